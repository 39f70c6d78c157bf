import { createHmac } from 'node:crypto';
import type { AlertMessage } from './alert.interface';
import type { AlertChannel } from './alert-channel.interface';
import { postJson } from './post-json';

/** Options of {@link WebhookChannel}. */
export interface WebhookChannelOptions {
  url: string;
  /**
   * When set, each request carries `X-Faultline-Signature: sha256=<hex>`, the HMAC-SHA256 of
   * the raw body with this secret.
   */
  secret?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** @default 'webhook' */
  name?: string;
}

/** The header carrying the HMAC signature of a webhook body. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-faultline-signature';

/**
 * POSTs each alert as the JSON {@link AlertMessage}, optionally signed.
 *
 * @example
 * // Verifying on the receiving side:
 * const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
 * timingSafeEqual(Buffer.from(expected), Buffer.from(req.headers['x-faultline-signature']));
 */
export class WebhookChannel implements AlertChannel {
  readonly name: string;

  constructor(private readonly options: WebhookChannelOptions) {
    this.name = options.name ?? 'webhook';
  }

  send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(message);
    const headers = { ...this.options.headers };
    if (this.options.secret) {
      headers[WEBHOOK_SIGNATURE_HEADER] =
        `sha256=${createHmac('sha256', this.options.secret).update(body).digest('hex')}`;
    }
    return postJson(this.options.url, body, signal, headers);
  }
}
