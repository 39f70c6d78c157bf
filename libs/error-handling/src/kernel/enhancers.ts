import { UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/**
 * Puts Faultline's enhancers (an interceptor, an exception filter) on the handlers that need
 * them and on no others: an SSE route, a GraphQL resolver under `@Audit()`, a WebSocket gateway
 * (which Nest's global filters do not reach). Applied globally they would cost every request.
 *
 * It runs while Nest creates the application's providers, before `app.init()` builds the route,
 * resolver and gateway contexts that read this metadata, and it adds enhancer instances (not
 * classes), which Nest uses as they are.
 */

/** The metadata key a decorator writes, read off the public decorator (not a deep import). */
function keyOf(decorate: (target: object) => void): unknown {
  class Probe {}
  decorate(Probe);
  return Reflect.getOwnMetadataKeys(Probe)[0];
}

class ProbeFilter {
  catch(): void {}
}
class ProbeInterceptor {
  intercept(): void {}
}
class ProbeGuard {
  canActivate(): boolean {
    return true;
  }
}

/** `@UseInterceptors()`'s metadata key. */
export const INTERCEPTORS_KEY = keyOf((t) => UseInterceptors(ProbeInterceptor)(t as () => void));
/** `@UseFilters()`'s metadata key. */
export const FILTERS_KEY = keyOf((t) => UseFilters(new ProbeFilter())(t as () => void));
/** `@UseGuards()`'s metadata key. */
export const GUARDS_KEY = keyOf((t) => UseGuards(ProbeGuard)(t as () => void));

/**
 * Adds `enhancer` first in the `key` list of `target` (a class or a handler function), once.
 * First: an exception filter listed first is tried last (Nest tries the later ones first), so
 * the application's own filters keep precedence; an interceptor listed first wraps the others.
 */
export function prependEnhancer(key: unknown, enhancer: object, target: object): void {
  const list = (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? [];
  if (list.includes(enhancer)) return;
  Reflect.defineMetadata(key, [enhancer, ...list], target);
}

/** The classes of the application's controllers or providers, each once. */
export function classesOf(
  modules: ModulesContainer,
  kind: 'controllers' | 'providers',
): Set<abstract new (...args: never[]) => unknown> {
  const out = new Set<abstract new (...args: never[]) => unknown>();
  for (const module of modules.values()) {
    for (const wrapper of module[kind].values()) {
      const type = wrapper.metatype as unknown;
      // Factory and value providers have no class of their own to look at.
      if (typeof type === 'function' && !wrapper.inject && type.prototype) {
        out.add(type as abstract new (...args: never[]) => unknown);
      }
    }
  }
  return out;
}

/** A handler as Nest's decorators see it: a function on a class's prototype. */
export type Handler = (...args: never[]) => unknown;

/** The methods of a class and of the classes it extends, by name, nearest first. */
export function methodsOf(type: abstract new (...args: never[]) => unknown): Map<string, Handler> {
  const out = new Map<string, Handler>();
  let proto: object | null = type.prototype as object;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || out.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor && typeof descriptor.value === 'function') out.set(name, descriptor.value as Handler);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out;
}
