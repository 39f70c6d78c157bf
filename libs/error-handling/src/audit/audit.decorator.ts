import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDIT_METADATA } from './audit.constants';
import { AuditInterceptor } from './audit.interceptor';

/** What `@Audit()` may keep of a request, always through the Redactor. */
export type AuditCapture = 'params' | 'query' | 'body' | 'result';

/** What a `resourceId` function is given. */
export interface AuditResourceContext {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** The handler's result (successes only). */
  result?: unknown;
}

/** Options of {@link Audit}. */
export interface AuditDecoratorOptions {
  /** The resource type, for example `notification`. */
  resource?: string;
  /**
   * Where the resource id comes from: a dot path into `{ params, query, body, result }`
   * (`'params.id'`, `'result.id'`) or a function.
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

/**
 * Records every call of a handler (or of every handler of a controller) as an audit event:
 * success or failure, with actor, resource, request id, ip, user agent, route and duration.
 * A request rejected before the handler runs (a guard's 401 / 403, a pipe's 400) is recorded
 * as a failure of the same action. Handler metadata wins over the controller's.
 *
 * @example
 * @Post(':id/read')
 * @Audit('NOTIFICATION_MARK_READ', { resource: 'notification', resourceId: 'params.id' })
 * markRead(@Param('id') id: string) { … }
 */
export function Audit(action: string, options: AuditDecoratorOptions = {}): ClassDecorator & MethodDecorator {
  if (typeof action !== 'string' || action.trim() === '') {
    throw new TypeError('@Audit(action) needs a non-empty action name, for example @Audit("ORDER_CANCEL")');
  }
  return applyDecorators(
    SetMetadata(AUDIT_METADATA, { ...options, action }),
    UseInterceptors(AuditInterceptor),
  );
}
