import { randomUUID } from 'node:crypto';

/** An incoming request id is kept only when it has this shape. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** Where Faultline notes the id it assigned to a request. */
const ASSIGNED_ID = Symbol.for('faultline.requestId');

interface RequestLike {
  id?: unknown;
  headers?: Record<string, string | string[] | undefined>;
  [ASSIGNED_ID]?: string;
}

/**
 * The request's id: one already assigned to `req.id` (by Faultline or pino-http), else the
 * incoming header when it has a sane shape (<= 128 chars of `[A-Za-z0-9._-]`), else a new UUID.
 * The result is stored on `req.id` so every later reader sees the same id.
 *
 * With `trustExisting` false, only an id Faultline assigned itself is kept: on Fastify, `req.id`
 * of the Node request may be Fastify's own counter (`req-1`), copied there by @fastify/middie.
 */
export function ensureRequestId(req: RequestLike, headerName = 'x-request-id', trustExisting = true): string {
  const assigned = req[ASSIGNED_ID];
  if (typeof assigned === 'string') return assigned;
  const existing = req.id;
  if (trustExisting) {
    if (typeof existing === 'string' && existing !== '') return existing;
    if (typeof existing === 'number') return String(existing);
  }
  const incoming = req.headers?.[headerName];
  const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  try {
    req.id = id;
    req[ASSIGNED_ID] = id;
  } catch {
    // A frozen or proxied request object: the id is still returned and sent back.
  }
  return id;
}
