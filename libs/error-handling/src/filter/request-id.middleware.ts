import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import type { FilterSettings } from './filter.settings';
import { ensureRequestId } from '../kernel/request-id';

interface ResponseLike {
  setHeader(name: string, value: string): unknown;
}

/** Gives every request an id (kept from `X-Request-Id` when sane) and echoes it back. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly header: string;
  private readonly incoming: string;
  /** On Fastify, `req.id` of the Node request is Fastify's own counter, copied by @fastify/middie. */
  private readonly trustExisting: boolean;

  constructor(@Inject(RESOLVED_OPTIONS) options: FilterSettings, adapterHost: HttpAdapterHost) {
    this.header = options.requestIdHeader;
    this.incoming = options.requestIdHeader.toLowerCase();
    this.trustExisting = adapterHost.httpAdapter?.getType() !== 'fastify';
  }

  use(req: Parameters<typeof ensureRequestId>[0], res: ResponseLike, next: () => void): void {
    res.setHeader(this.header, ensureRequestId(req, this.incoming, this.trustExisting));
    next();
  }
}
