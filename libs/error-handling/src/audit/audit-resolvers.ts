import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { classesOf, INTERCEPTORS_KEY, methodsOf, prependEnhancer } from '../kernel/enhancers';
import { AUDIT_METADATA } from './audit.constants';
import { AuditInterceptor } from './audit.interceptor';

/** What @nestjs/graphql's `@Query()`, `@Mutation()` and `@ResolveField()` write on a method. */
const RESOLVER_METADATA = ['graphql:resolver_type', 'graphql:resolve_property'];

/**
 * Puts the audit interceptor on every GraphQL resolver under `@Audit()` (on the method or its
 * resolver class): a resolver's success is known only when it resolves, which no guard sees.
 * HTTP routes keep the guard alone unless they need the result. It runs while Nest creates the
 * providers, before @nestjs/graphql builds the resolvers' contexts.
 */
@Injectable()
export class AuditResolvers {
  /** How many resolvers were given the interceptor. */
  readonly count: number;

  constructor(modules: ModulesContainer, interceptor: AuditInterceptor) {
    let count = 0;
    for (const type of classesOf(modules, 'providers')) {
      const audited = Reflect.getMetadata(AUDIT_METADATA, type) !== undefined;
      for (const method of methodsOf(type).values()) {
        if (!RESOLVER_METADATA.some((key) => Reflect.getMetadata(key, method) !== undefined)) continue;
        if (!audited && Reflect.getMetadata(AUDIT_METADATA, method) === undefined) continue;
        // `@Audit()` that needs the result has put the interceptor's class there already.
        if (hasInterceptor(type) || hasInterceptor(method)) continue;
        prependEnhancer(INTERCEPTORS_KEY, interceptor, method);
        count++;
      }
    }
    this.count = count;
  }
}

function hasInterceptor(target: object): boolean {
  const list = Reflect.getMetadata(INTERCEPTORS_KEY, target) as unknown[] | undefined;
  return list?.includes(AuditInterceptor) === true;
}
