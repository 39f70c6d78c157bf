import { SetMetadata, UseGuards, UseInterceptors } from '@nestjs/common';
import { AUDIT_METADATA } from './audit.constants';
import { AuditGuard } from './audit.guard';
import { AuditInterceptor } from './audit.interceptor';
import { needsResult, type AuditDecoratorOptions } from './audit-metadata';

/**
 * The metadata key `@UseGuards()` writes (Nest's `GUARDS_METADATA`), read off the public
 * decorator once instead of imported from a file of @nestjs/common that is not part of its API.
 */
const GUARDS_METADATA: unknown = (() => {
  class Probe {}
  UseGuards(AuditGuard)(Probe);
  return Reflect.getOwnMetadataKeys(Probe)[0];
})();

export type {
  AuditCapture,
  AuditDecoratorOptions,
  AuditMetadata,
  AuditResourceContext,
} from './audit-metadata';

/**
 * Records every call of a handler (or of every handler of a controller) as an audit event:
 * success or failure, with actor, resource, request id, ip, user agent, route and duration.
 * A request rejected before the handler runs (a guard's 401 / 403, a pipe's 400) is recorded
 * as a failure of the same action. Handler metadata wins over the controller's.
 *
 * It puts Faultline's read-only audit guard first among the controller's guards, so the
 * action is known before any other guard of the controller can reject the request, and only
 * audited controllers pay for it. Global guards (`APP_GUARD`) run before it.
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
  const metadata = { ...options, action };
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) SetMetadata(AUDIT_METADATA, metadata)(target, key as string | symbol, descriptor);
    else SetMetadata(AUDIT_METADATA, metadata)(target as () => unknown);
    // Class decorators run after method decorators, and @UseGuards() appends: prepending here
    // keeps the audit guard first whichever order the decorators are written in.
    const controller = (typeof target === 'function' ? target : target.constructor) as object;
    const guards = (Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? [];
    if (!guards.includes(AuditGuard))
      Reflect.defineMetadata(GUARDS_METADATA, [AuditGuard, ...guards], controller);
    // The handler's result is only reachable from an interceptor; otherwise the guard's
    // response listener records the outcome, with no interceptor on the request path.
    if (needsResult(metadata)) {
      if (descriptor) UseInterceptors(AuditInterceptor)(target, key as string | symbol, descriptor);
      else UseInterceptors(AuditInterceptor)(target as () => unknown);
    }
  }) as ClassDecorator & MethodDecorator;
}
