import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { REQUEST_TAP } from './logging.internal-constants';
import type { LoggedRequest } from '../kernel/request-context';
import type { RequestTap } from '../kernel/request-tap';

/**
 * Feeds the {@link RequestTap} when Faultline's request middleware does not (logging off, or the
 * application's own LoggerModule writes the request lines): mounted only then, and only when
 * metrics, the probes or the error-rate alert need it.
 */
@Injectable()
export class RequestTapMiddleware implements NestMiddleware {
  constructor(@Inject(REQUEST_TAP) private readonly tap: RequestTap) {}

  use(req: LoggedRequest, res: ServerResponse, next: () => void): void {
    const tap = this.tap;
    const startedAt = performance.now();
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      tap.finished(req, res.statusCode, performance.now() - startedAt);
    };
    tap.started();
    res.once('finish', end);
    res.once('close', end);
    next();
  }
}
