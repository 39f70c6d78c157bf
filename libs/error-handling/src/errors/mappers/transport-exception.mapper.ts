import { codeForStatus } from '../error-codes';
import type { MappedError } from '../exception-mapper.interface';
import { safeGet } from '../../kernel/safe-access';

/** Codes Apollo and graphql-js give errors that a client caused, by the status they stand for. */
const GRAPHQL_CODES: Readonly<Record<string, number>> = {
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INTERNAL_SERVER_ERROR: 500,
};

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The errors a transport's own API throws on purpose for its client, recognised by class name
 * (no dependency on @nestjs/microservices, @nestjs/websockets or graphql):
 * - `RpcException` and `WsException`: their `getError()` is meant for the client, as Nest's own
 *   filters send it: a string is the message of a 400 `BAD_REQUEST`; an object may give
 *   `message`, a 4xx/5xx `status` (or `statusCode`; else 400) and an UPPER_SNAKE `code` (else
 *   the status's own code, as for an `HttpException`: 404 `NOT_FOUND`, 503
 *   `SERVICE_UNAVAILABLE`). Nest's habit `{ status: 'error', message }` is a 400 with that
 *   message. A 5xx's message is hidden from the client like any other.
 * - `GraphQLError` thrown by a resolver: its `extensions.code` keeps its meaning
 *   (`UNAUTHENTICATED` is 401, `FORBIDDEN` 403, `BAD_USER_INPUT` 400, an unknown code 400).
 */
export function mapTransportException(e: Error): MappedError | undefined {
  const name = classNames(e);
  if (name.has('RpcException') || name.has('WsException')) {
    const getError = safeGet(e, 'getError');
    let payload: unknown;
    try {
      payload = typeof getError === 'function' ? (getError as () => unknown).call(e) : undefined;
    } catch {
      payload = undefined;
    }
    if (typeof payload === 'string') return { status: 400, code: 'BAD_REQUEST', message: payload };
    const status = statusOf(safeGet(payload, 'status') ?? safeGet(payload, 'statusCode')) ?? 400;
    const code = safeGet(payload, 'code');
    const message = safeGet(payload, 'message');
    return {
      status,
      code: typeof code === 'string' && CODE.test(code) ? code : codeForStatus(status),
      message: typeof message === 'string' ? message : undefined,
    };
  }
  if (name.has('GraphQLError')) {
    const code = safeGet(safeGet(e, 'extensions'), 'code');
    if (typeof code !== 'string' || !CODE.test(code)) return undefined;
    const status =
      GRAPHQL_CODES[code] ?? statusOf(safeGet(safeGet(safeGet(e, 'extensions'), 'http'), 'status')) ?? 400;
    return { status, code: code === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL_ERROR' : code, message: e.message };
  }
  return undefined;
}

function statusOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599
    ? value
    : undefined;
}

/** The names of the classes an error is an instance of, from its own up to `Error`. */
function classNames(e: Error): Set<string> {
  const names = new Set<string>();
  let proto: unknown = Object.getPrototypeOf(e);
  for (let depth = 0; proto && proto !== Object.prototype && depth < 16; depth++) {
    const ctor = safeGet(proto, 'constructor');
    const n = typeof ctor === 'function' ? ctor.name : undefined;
    if (n) names.add(n);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
