import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { type Observable, tap } from 'rxjs';
import type { LoggedRequest } from '../logging/request-context';
import type { AuditRequestContext } from './audit.guard';
import { AUDIT_CONTEXT } from './audit.internal-constants';
import { AuditService } from './audit.service';

/**
 * Applied by `@Audit()` to the handlers it marks: records the success once the response is
 * finished (with its real status). Failures, wherever they are thrown, are recorded once by the
 * exception filter's failure event.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<LoggedRequest & { [AUDIT_CONTEXT]?: AuditRequestContext }>();
    const audit = req[AUDIT_CONTEXT];
    if (!audit) return next.handle();
    const res = http.getResponse<ServerResponse>();
    let recorded = false;
    return next.handle().pipe(
      tap({
        next: (result) => {
          if (recorded) return;
          recorded = true;
          const done = () => {
            res.removeListener('finish', done);
            res.removeListener('close', done);
            // A failure after the handler (serialization, a later interceptor) is the filter's.
            if (res.statusCode < 400)
              this.audit.recordRequest(req, audit, 'success', { status: res.statusCode, result });
          };
          res.once('finish', done);
          res.once('close', done);
        },
      }),
    );
  }
}
