import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { RESOLVED_OPTIONS } from '../faultline.internal-constants';
import type { ResolvedOptions } from '../resolve-options';
import { ensureRequestId } from './request-id';

interface ResponseLike {
  setHeader(name: string, value: string): unknown;
}

/** Gives every request an id (kept from `X-Request-Id` when sane) and echoes it back. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly header: string;
  private readonly incoming: string;

  constructor(@Inject(RESOLVED_OPTIONS) options: ResolvedOptions) {
    this.header = options.requestIdHeader;
    this.incoming = options.requestIdHeader.toLowerCase();
  }

  use(req: Parameters<typeof ensureRequestId>[0], res: ResponseLike, next: () => void): void {
    res.setHeader(this.header, ensureRequestId(req, this.incoming));
    next();
  }
}
