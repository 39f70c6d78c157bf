import { randomUUID } from 'node:crypto';
import type { ArgumentsHost } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { nodeRequest } from '../kernel/http-exchange';
import { REQUEST_ID_PATTERN } from '../kernel/request-id';
import { currentRequestScope } from '../kernel/request-scope';
import { safeGet } from '../kernel/safe-access';
import type { HttpRequestLike } from './http-request.interface';
import { failureMembers, type OperationFailures, type PublicFailure } from './operation-failures';
import { contextRequest, graphqlField } from '../kernel/graphql-context';

/**
 * What the filter answers for a failure outside an HTTP route, by the transport's own rules:
 * GraphQL gets an error in `errors[]`, an RPC client an error message, a WebSocket client an
 * `exception` event. Each carries the code and the request id, and no more of a 5xx than a
 * problem body would show.
 */

/** Marks the error a GraphQL answer returns, so Faultline's Apollo plugin knows it is handled. */
export const GRAPHQL_ANSWER = Symbol.for('faultline.graphqlAnswer');

/** The error a resolver's failure becomes in `errors[]`: graphql-js keeps its `extensions`. */
export class GraphQLAnswer extends Error {
  readonly extensions: Record<string, unknown>;
  readonly [GRAPHQL_ANSWER] = true;

  constructor(failure: PublicFailure) {
    super(failure.message);
    this.name = 'GraphQLAnswer';
    this.extensions = answerExtensions(failure);
    // Apollo shows a stack trace outside production unless told otherwise: this one names no file.
    this.stack = `${failure.code}: ${failure.message}`;
  }
}

/** What a GraphQL error's `extensions` carry of a failure. */
export function answerExtensions(failure: PublicFailure): Record<string, unknown> {
  return { ...failureMembers(failure), status: failure.status };
}

/** The GraphQL request of a resolver's arguments (root, args, context, info). */
export function graphqlRequest(host: ArgumentsHost): HttpRequestLike | undefined {
  return contextRequest(host.getArgByIndex<unknown>(2)) as HttpRequestLike | undefined;
}

/** `query GetNotification`: the operation, as the client named it (a GraphQL name, or `(anonymous)`). */
export function graphqlOperation(info: unknown): string | undefined {
  const operation = safeGet(info, 'operation');
  if (operation === undefined) return undefined;
  const kind = safeGet(operation, 'operation');
  const name = safeGet(safeGet(operation, 'name'), 'value');
  return `${typeof kind === 'string' ? kind : 'operation'} ${typeof name === 'string' ? name : '(anonymous)'}`;
}

/** A resolver's failure, as an error in `errors[]` (returned: graphql-js treats it as thrown). */
export function answerGraphql(
  operations: OperationFailures,
  exception: unknown,
  host: ArgumentsHost,
): GraphQLAnswer {
  const info = host.getArgByIndex<object | undefined>(3);
  const request = graphqlRequest(host);
  const failure = operations.handle(exception, {
    operation: { transport: 'graphql', name: graphqlField(info), key: info },
    requestId: graphqlRequestId(request),
    request,
    route: graphqlOperation(info),
  });
  return new GraphQLAnswer(failure);
}

/**
 * A message handler's failure, as the error the client's `send()` rejects with (the shape of
 * Nest's own: `status` and `message`, with `code`, `statusCode` and `requestId` beside them).
 */
export function answerRpc(
  operations: OperationFailures,
  exception: unknown,
  host: ArgumentsHost,
): Observable<never> {
  const rpc = host.switchToRpc();
  const data = rpc.getData<unknown>();
  const context = rpc.getContext<unknown>();
  const failure = operations.handle(exception, {
    operation: { transport: 'rpc', name: patternOf(context, data) },
    requestId: incomingId(safeGet(data, 'requestId')) ?? headerId(context) ?? randomUUID(),
  });
  const body = rpcBody(failure);
  return throwError(() => body);
}

/** The error body an RPC client receives (a gateway's client too): Nest's `status` and `message`, and Faultline's members. */
export function rpcBody(failure: PublicFailure): Record<string, unknown> {
  return {
    ...failureMembers(failure),
    status: 'error',
    statusCode: failure.status,
    message: failure.message,
  };
}

/**
 * A gateway handler's failure, sent to that client as an `exception` event (Nest's event name):
 * through socket.io's `emit`, or on a plain WebSocket (@nestjs/platform-ws) as the JSON message
 * `{ "event": "exception", "data": ... }`, the shape the ws adapter's messages have.
 */
export function answerWs(operations: OperationFailures, exception: unknown, host: ArgumentsHost): void {
  const ws = host.switchToWs();
  const client = ws.getClient<unknown>();
  const data = ws.getData<unknown>();
  const pattern = safeGet(ws, 'getPattern');
  const event = typeof pattern === 'function' ? (pattern as () => unknown).call(ws) : undefined;
  const failure = operations.handle(exception, {
    operation: { transport: 'ws', name: typeof event === 'string' ? event.slice(0, 200) : 'message' },
    requestId: incomingId(safeGet(data, 'requestId')) ?? randomUUID(),
  });
  const body = rpcBody(failure);
  const send = safeGet(client, 'send');
  const emit = safeGet(client, 'emit');
  // A `ws` socket has `send` and a numeric readyState; socket.io's has `emit` that sends.
  if (typeof send === 'function' && typeof safeGet(client, 'readyState') === 'number') {
    if (safeGet(client, 'readyState') !== 1) return;
    (send as (text: string) => void).call(client, JSON.stringify({ event: 'exception', data: body }));
  } else if (typeof emit === 'function') {
    (emit as (name: string, payload: unknown) => void).call(client, 'exception', body);
  }
}

/** The request id of a GraphQL request: the one its HTTP request has, else its scope's. */
export function graphqlRequestId(request: HttpRequestLike | undefined): string {
  const id = request ? nodeRequest(request).id : undefined;
  if (typeof id === 'string' && id !== '') return id;
  return currentRequestScope()?.requestId ?? randomUUID();
}

/** An id a caller sent along (in the message, or a transport header) when it is a sane one. */
function incomingId(value: unknown): string | undefined {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value) ? value : undefined;
}

/** `x-request-id` from the headers of a NATS message (`NatsContext.getHeaders()`), if any. */
function headerId(context: unknown): string | undefined {
  const getHeaders = safeGet(context, 'getHeaders');
  if (typeof getHeaders !== 'function') return undefined;
  try {
    const headers = (getHeaders as () => unknown).call(context);
    const get = safeGet(headers, 'get');
    return typeof get === 'function'
      ? incomingId((get as (k: string) => unknown).call(headers, 'x-request-id'))
      : undefined;
  } catch {
    return undefined;
  }
}

/** The message pattern a handler was called for (as the transport's context tells it). */
function patternOf(context: unknown, data: unknown): string {
  for (const getter of ['getPattern', 'getSubject', 'getChannel', 'getTopic']) {
    const fn = safeGet(context, getter);
    if (typeof fn !== 'function') continue;
    try {
      const value = (fn as () => unknown).call(context);
      if (typeof value === 'string') return value.slice(0, 200);
      if (value !== undefined) return JSON.stringify(value).slice(0, 200);
    } catch {
      // The next getter.
    }
  }
  const pattern = safeGet(data, 'pattern');
  return typeof pattern === 'string' ? pattern.slice(0, 200) : 'message';
}
