import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { graphqlField } from '../kernel/graphql-context';
import { onExchangeEnd } from '../kernel/http-exchange';
import type { LoggedRequest } from '../kernel/request-context';
import { AUDIT_METADATA } from './audit.constants';
import { auditContexts, type AuditRequestContext } from './audit.internal-constants';
import { type AuditService, auditServiceOf } from './audit.service';
import { type AuditMetadata, needsResult } from './audit-metadata';

interface Resolved {
  metadata: AuditMetadata;
  viaInterceptor: boolean;
}

/**
 * A read-only guard that `@Audit()` puts first among its controller's guards. When the handler
 * (or its controller) is marked, it notes the action on the request, so a rejection by a later
 * guard or pipe is still recorded as a failure of it, and records the outcome when the response
 * finishes (unless the handler's result is needed: then the audit interceptor does). The filter
 * records failures first, with their error code. It never denies.
 */
@Injectable()
export class AuditGuard implements CanActivate {
  private readonly cache = new WeakMap<object, Resolved | null>();

  constructor(
    private readonly reflector: Reflector,
    moduleRef: ModuleRef,
  ) {
    this.audit = auditServiceOf(moduleRef);
  }

  private readonly audit: () => AuditService | undefined;

  canActivate(context: ExecutionContext): boolean {
    const service = this.audit();
    if (!service?.enabled) return true;
    const type = context.getType<string>();
    if (type === 'graphql') return this.resolver(context);
    if (type !== 'http') return true;
    const resolved = this.resolve(context);
    if (!resolved) return true;
    // The arguments themselves: switchToHttp() assigns three new functions to the context.
    const req = context.getArgByIndex<LoggedRequest>(0);
    const audit: AuditRequestContext = {
      metadata: resolved.metadata,
      startedAt: performance.now(),
      recorded: false,
    };
    auditContexts.set(req, audit);
    if (!resolved.viaInterceptor) {
      // Once the response finished or the client went away first (Fastify's reply: its Node response).
      onExchangeEnd(context.getArgByIndex<unknown>(1), (res) =>
        service.recordRequest(req, audit, res.statusCode < 400 ? 'success' : 'failure', {
          status: res.statusCode,
        }),
      );
    }
    return true;
  }

  /**
   * A GraphQL resolver: its context is keyed by the resolver's info (one request may run several
   * audited resolvers); the audit interceptor, which `@Audit()` puts on resolvers, records the
   * success, and the filter's failure event the failure.
   */
  private resolver(context: ExecutionContext): boolean {
    const resolved = this.resolve(context);
    const info = context.getArgByIndex<unknown>(3);
    if (!resolved || info === null || typeof info !== 'object') return true;
    const args = context.getArgByIndex<unknown>(1);
    auditContexts.set(info, {
      metadata: resolved.metadata,
      startedAt: performance.now(),
      recorded: false,
      graphql: {
        args: args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : {},
        field: graphqlField(info),
      },
    });
    return true;
  }

  private resolve(context: ExecutionContext): Resolved | null {
    const handler = context.getHandler();
    let resolved = this.cache.get(handler);
    if (resolved === undefined) {
      const metadata = this.reflector.getAllAndOverride<AuditMetadata | undefined>(AUDIT_METADATA, [
        handler,
        context.getClass(),
      ]);
      resolved = metadata ? { metadata, viaInterceptor: needsResult(metadata) } : null;
      this.cache.set(handler, resolved);
    }
    return resolved;
  }
}
