import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { contextRequest } from '../kernel/graphql-context';
import { nodeResponse } from '../kernel/http-exchange';
import { type Observable, tap } from 'rxjs';
import type { LoggedRequest } from '../kernel/request-context';
import { auditContexts } from './audit.internal-constants';
import { type AuditService, auditServiceOf } from './audit.service';

/**
 * Applied by `@Audit()` to the handlers whose result it needs, and to every audited GraphQL
 * resolver: records the success once the response is finished (with its real status), or for a
 * resolver once it resolved. Failures, wherever they are thrown, are recorded once by the
 * exception filter's failure event.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly audit: () => AuditService | undefined;

  constructor(moduleRef: ModuleRef) {
    this.audit = auditServiceOf(moduleRef);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const service = this.audit();
    if (!service) return next.handle();
    const type = context.getType<string>();
    if (type === 'graphql') return this.resolver(service, context, next);
    if (type !== 'http') return next.handle();
    // The arguments themselves: switchToHttp() assigns three new functions to the context.
    const req = context.getArgByIndex<LoggedRequest>(0);
    const audit = auditContexts.get(req);
    if (!audit) return next.handle();
    // Fastify's reply: the Node response under it.
    const res = nodeResponse(context.getArgByIndex<unknown>(1));
    if (!res) return next.handle();
    return next.handle().pipe(
      tap({
        next: (result) => {
          const done = () => {
            res.removeListener('finish', done);
            res.removeListener('close', done);
            // An error status without an exception (a handler that sets it itself) is a failure.
            service.recordRequest(req, audit, res.statusCode < 400 ? 'success' : 'failure', {
              status: res.statusCode,
              result,
            });
          };
          // A handler using @Res() may have finished the response already.
          if (res.writableFinished) done();
          else {
            res.once('finish', done);
            res.once('close', done);
          }
        },
      }),
    );
  }

  /** A resolver's success: recorded when it resolves (its failure is the filter's event). */
  private resolver(service: AuditService, context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const audit = auditContexts.get(context.getArgByIndex<object>(3));
    const req = contextRequest(context.getArgByIndex<unknown>(2));
    if (!audit || !req) return next.handle();
    return next.handle().pipe(
      tap({
        next: (result) =>
          service.recordRequest(req as LoggedRequest, audit, 'success', { status: 200, result }),
      }),
    );
  }
}
