import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/**
 * What Faultline keeps for one request while it is handled: a small object made once per
 * request by Faultline's request middleware, found again anywhere in the request's asynchronous
 * context with {@link currentRequestScope}.
 */
export class RequestScope {
  /** Characters the Redactor has scanned for secrets in this request so far. */
  scannedChars = 0;
  /** Set once the request's scan budget is spent: its remaining strings are not scanned. */
  scanBudgetSpent = false;

  constructor(
    /** The request's id, as sent in the response header. */
    readonly requestId?: string,
    /** The request's own logger (a child of Faultline's root bound to its requestId). */
    readonly logger?: Logger,
    /** The request itself, for fields read when a line is written (userId, ip). */
    readonly request?: object,
  ) {}
}

/**
 * Where request scopes are kept: it runs a function with a scope as the current one, across the
 * function's asynchronous work, and finds the current one again.
 *
 * There is one `AsyncLocalStorage` per request, never two: on Node 20 and 22 every further
 * `AsyncLocalStorage` in use costs about as much again as the first on every promise a request
 * creates (measured at 7-10 µs for a request of 25 promises, several per cent of a request). So
 * where a storage already runs for every request (nestjs-pino 5's, which Faultline enters for
 * `PinoLogger#assign` to work), the scope rides on it instead of on a storage of Faultline's own.
 */
export interface RequestScopeCarrier {
  run<R>(scope: RequestScope, fn: () => R): R;
  current(): RequestScope | undefined;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Faultline's own storage: the carrier unless another is installed. */
const OWN_STORAGE: RequestScopeCarrier = {
  run: (scope, fn) => storage.run(scope, fn),
  current: () => storage.getStore(),
};

let carrier: RequestScopeCarrier = OWN_STORAGE;

/**
 * Makes `next` the carrier of request scopes for the process (all applications in it use the same
 * nestjs-pino), or Faultline's own storage again for `undefined`.
 */
export function useRequestScopeCarrier(next: RequestScopeCarrier | undefined): void {
  carrier = next ?? OWN_STORAGE;
}

/** Runs `fn` with `scope` as the current request's scope, across its asynchronous work. */
export function runInRequestScope<R>(scope: RequestScope, fn: () => R): R {
  return carrier.run(scope, fn);
}

/** The scope of the request being handled, or `undefined` outside of one. */
export function currentRequestScope(): RequestScope | undefined {
  return carrier.current();
}
