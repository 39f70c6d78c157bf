/** What `@Audit()` may keep of a request, always through the Redactor. */
export type AuditCapture = 'params' | 'query' | 'body' | 'result';

/** What a `resourceId` function is given. */
export interface AuditResourceContext {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** A GraphQL resolver's arguments (also given as `params` and `body`). */
  args?: Record<string, unknown>;
  /** The handler's result (successes only). */
  result?: unknown;
}

/** Options of `@Audit()`. */
export interface AuditDecoratorOptions {
  /** The resource type, for example `notification`. */
  resource?: string;
  /**
   * Where the resource id comes from: a dot path into `{ params, query, body, result }`
   * (`'params.id'`, `'result.id'`; for a GraphQL resolver also `'args.id'`) or a function.
   */
  resourceId?: string | ((context: AuditResourceContext) => string | number | undefined);
  /**
   * What to keep in the event's `data`, redacted.
   * @default [] (nothing)
   */
  capture?: AuditCapture[];
}

/** The metadata `@Audit()` stores. */
export interface AuditMetadata extends AuditDecoratorOptions {
  action: string;
}

/** True when recording the event needs the handler's return value. */
export function needsResult(metadata: AuditDecoratorOptions): boolean {
  const id = metadata.resourceId;
  return (
    metadata.capture?.includes('result') === true ||
    typeof id === 'function' ||
    (typeof id === 'string' && (id === 'result' || id.startsWith('result.')))
  );
}
