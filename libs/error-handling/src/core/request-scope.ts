/**
 * What Faultline keeps for one request while it is handled: a small object made once per
 * request by Faultline's request middleware, found again anywhere in the request's asynchronous
 * context with {@link currentRequestScope}.
 *
 * It rides on the per-request store of an `AsyncLocalStorage` that already runs for every request
 * (nestjs-pino's, which Faultline's request middleware enters) instead of a storage of its own:
 * on Node 20 every further `AsyncLocalStorage` instance in use costs about as much again as the
 * first on every promise a request creates, measured at some 38,000 instructions for a request
 * of 25 promises, several per cent of a request; one more property on a store that is propagated
 * anyway costs nothing measurable.
 */
export class RequestScope {
  /** Characters the Redactor has scanned for secrets in this request so far. */
  scannedChars = 0;
  /** Set once the request's scan budget is spent: its remaining strings are not scanned. */
  scanBudgetSpent = false;
}

/** Where the current request's store is found: an `AsyncLocalStorage`, or anything with `getStore()`. */
export interface RequestStoreSource {
  getStore(): unknown;
}

const SCOPE = Symbol('faultline.requestScope');
type ScopeCarrier = { [SCOPE]?: RequestScope };

let source: RequestStoreSource | undefined;

/**
 * Gives `store`, the per-request store about to be entered with `storage.run(store, …)`, a new
 * {@link RequestScope}, and makes `storage` where {@link currentRequestScope} looks. Returns
 * `store`, so a middleware writes `storage.run(withRequestScope(new Store(log), storage), next)`.
 */
export function withRequestScope<T extends object>(store: T, storage: RequestStoreSource): T {
  source = storage;
  (store as ScopeCarrier)[SCOPE] = new RequestScope();
  return store;
}

/** The scope of the request being handled, or `undefined` outside of one. */
export function currentRequestScope(): RequestScope | undefined {
  const store = source?.getStore();
  return typeof store === 'object' && store !== null ? (store as ScopeCarrier)[SCOPE] : undefined;
}
