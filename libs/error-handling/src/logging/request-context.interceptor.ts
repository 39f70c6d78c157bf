import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import { storage } from 'nestjs-pino/storage';
import type { Observable } from 'rxjs';
import { LOGGING_RUNTIME } from './logging.internal-constants';
import type { LoggingRuntime } from './logging-runtime';
import type { LoggedRequest } from './request-context';

/**
 * Runs after the guards, when the caller is known: from here on every line of the request
 * (services, the filter, channels) carries `userId` and `ip` besides its `requestId`.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  constructor(@Optional() @Inject(LOGGING_RUNTIME) private readonly runtime: LoggingRuntime | null = null) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const store = this.runtime && context.getType() === 'http' ? storage.getStore() : undefined;
    if (store && this.runtime) {
      const req = context.switchToHttp().getRequest<LoggedRequest>();
      let userId: string | number | undefined;
      try {
        userId = this.runtime.options.userId(req);
      } catch {
        userId = undefined;
      }
      if (userId !== undefined) store.logger = store.logger.child({ userId, ip: req.ip });
      else if (req.ip !== undefined) store.logger = store.logger.child({ ip: req.ip });
    }
    return next.handle();
  }
}
