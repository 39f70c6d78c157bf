import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUDIT_METADATA } from './audit.constants';
import type { AuditMetadata } from './audit.decorator';
import { AUDIT_CONTEXT } from './audit.internal-constants';

/** What the audit guard leaves on an audited request. */
export interface AuditRequestContext {
  metadata: AuditMetadata;
  startedAt: number;
}

/**
 * A global guard that only reads: it runs before every other guard, and when the handler (or
 * its controller) is marked with `@Audit()` it notes that on the request, so a rejection by a
 * later guard or pipe is still recorded as a failure of the action. It never denies.
 */
@Injectable()
export class AuditGuard implements CanActivate {
  private readonly cache = new WeakMap<object, AuditMetadata | null>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let metadata = this.cache.get(handler);
    if (metadata === undefined) {
      metadata =
        this.reflector.getAllAndOverride<AuditMetadata | undefined>(AUDIT_METADATA, [
          handler,
          context.getClass(),
        ]) ?? null;
      this.cache.set(handler, metadata);
    }
    if (metadata) {
      const req = context.switchToHttp().getRequest<Record<symbol, unknown>>();
      req[AUDIT_CONTEXT] = { metadata, startedAt: performance.now() } satisfies AuditRequestContext;
    }
    return true;
  }
}
