import { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ID_PATTERN } from './request-id';

/**
 * The one place Faultline knows how Express and Fastify hand it a request and a response.
 *
 * On Express the request and the response Nest passes to guards, interceptors and filters are
 * Node's own `IncomingMessage` and `ServerResponse` (extended), and Nest middleware gets the same
 * objects. On Fastify, guards, interceptors and filters get Fastify's request and reply, which
 * wrap Node's (`request.raw`, `reply.raw`), while Nest middleware (through @fastify/middie) gets
 * the Node objects only.
 *
 * So Faultline keeps a request's own state (its id, its logger, the failure its request line
 * carries) on the Node request, the one object every layer reaches, and reads what the
 * application sees (the route template, `user`, `body`, `query`, `ip`) from the platform request:
 * on Fastify, the one {@link linkPlatformRequest} tied to the Node request; on Express, the same
 * object.
 */

/** The platforms Faultline tells apart (`HttpAdapter#getType()`); anything else is `other`. */
export type HttpPlatform = 'express' | 'fastify' | 'other';

/** The platform of an adapter type as Nest names it. */
export function httpPlatform(adapterType: string | undefined): HttpPlatform {
  return adapterType === 'express' || adapterType === 'fastify' ? adapterType : 'other';
}

/** Where a Node request keeps the platform (Fastify) request that wraps it. */
const PLATFORM_REQUEST = Symbol.for('faultline.platformRequest');

type Linked = { [PLATFORM_REQUEST]?: object };

/**
 * Set on the global object, under a registered symbol that every copy of Faultline loaded in the
 * process shares (its CommonJS and ES builds), once a platform request has been linked.
 */
const LINKED_ANY = Symbol.for('faultline.platformRequestLinked');

type LinkFlag = { [LINKED_ANY]?: true };

/**
 * True for a wrapper of a Node request or response (Fastify's request and reply). Node's own
 * (Express's, extended) are known by their class, without reading an absent `raw`: Express gives
 * each request and response a hidden class of its own (it sets their prototype), so V8 finds
 * such a property in none of its caches and looks through the whole prototype chain each time.
 */
function wraps(value: unknown): value is { raw: object } {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof IncomingMessage || value instanceof ServerResponse) return false;
  const raw = (value as { raw?: unknown }).raw;
  return typeof raw === 'object' && raw !== null;
}

/** The Node request under `req`: Fastify's `request.raw`, else `req` itself (Express, Node). */
export function nodeRequest<T extends object>(req: T): T {
  return (wraps(req) ? req.raw : req) as T;
}

/** The Node response under `res`: Fastify's `reply.raw`, else `res` itself (Express, Node). */
export function nodeResponse(res: unknown): ServerResponse | undefined {
  if (res instanceof ServerResponse) return res;
  const candidate = wraps(res) ? res.raw : res;
  return typeof (candidate as ServerResponse | undefined)?.setHeader === 'function'
    ? (candidate as ServerResponse)
    : undefined;
}

/**
 * Ties a Fastify request to its Node request, so that code that only has the Node request (the
 * request line, metrics, written when the response finishes) reads the application's view of it.
 * Faultline does it in a Fastify `onRequest` hook of its own, for every request.
 */
export function linkPlatformRequest(platform: { raw: object }): void {
  (platform.raw as Linked)[PLATFORM_REQUEST] = platform;
  const flags = globalThis as LinkFlag;
  if (flags[LINKED_ANY] !== true) flags[LINKED_ANY] = true;
}

/**
 * The request as the application sees it: the Fastify request linked to a Node request (or
 * `req` itself when it is one), else `req` (Express, where both are the same object).
 */
export function platformRequest<T extends object>(req: T): T {
  // Until a Fastify request is linked (on Express, never) every request is its own.
  if ((globalThis as LinkFlag)[LINKED_ANY] !== true || wraps(req)) return req;
  const linked = (req as Linked)[PLATFORM_REQUEST];
  return (linked ?? req) as T;
}

/** What {@link routeTemplate} reads, on Express's request or Fastify's. */
interface RoutedRequest {
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
}

/** Nest mounts middleware for every path as `/{*path}`; a request that matched nothing else still carries it. */
const NEST_CATCH_ALL = '/{*path}';

/**
 * The route template that matched (`/notifications/:id/read`), from either platform's request or
 * from a Node request linked to a Fastify one; undefined when no route matched (an unknown path,
 * a body rejected before routing). Express's `req.route.path`, Fastify's `request.routeOptions.url`.
 */
export function routeTemplate(req: object): string | undefined {
  const path = (req as RoutedRequest).route?.path;
  if (typeof path === 'string') return path === NEST_CATCH_ALL ? undefined : path;
  // Fastify's `routeOptions` is a getter that builds a new object of a dozen fields: read once.
  const url = (platformRequest(req) as RoutedRequest).routeOptions?.url;
  return typeof url === 'string' && url !== NEST_CATCH_ALL ? url : undefined;
}

/**
 * Calls `listener` once the exchange is over: after the response finished, or when the
 * connection closed first (a Node response emits 'close' once, in both cases).
 */
export function onExchangeEnd(res: unknown, listener: (res: ServerResponse) => void): void {
  const raw = nodeResponse(res);
  if (!raw) return;
  // 'close' is emitted once: `on` spares the wrapper `once` makes.
  raw.on('close', () => listener(raw));
}

/** The status of the response (`statusCode` of the Node response). */
export function responseStatus(res: unknown): number | undefined {
  return nodeResponse(res)?.statusCode;
}

/** A Node request as Nest middleware gets it. */
export type NodeRequest = IncomingMessage;

/** Where a Node request keeps the error Fastify raised for it (a body it could not parse). */
const PLATFORM_ERROR = Symbol.for('faultline.platformError');

/**
 * The error Fastify itself raised while handling `req` (the Node request, or Fastify's), as its
 * `onError` hook saw it. Nest hands exception filters a new `HttpException` made from Fastify's
 * errors, without the error's `code`; this is the original.
 */
export function platformErrorOf(req: object): unknown {
  return (nodeRequest(req) as { [PLATFORM_ERROR]?: unknown })[PLATFORM_ERROR];
}

type FastifyRequestLike = { raw: object; id?: unknown; log?: unknown };

/** The part of a Fastify instance {@link linkFastifyRequests} uses. */
interface FastifyHooks {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: unknown, done: () => void) => void,
  ): unknown;
  addHook(
    name: 'onError',
    hook: (request: FastifyRequestLike, reply: unknown, error: unknown, done: () => void) => void,
  ): unknown;
}

/**
 * Gives the Fastify request the id the request middleware assigned to its Node request
 * (Faultline's, or RequestIdMiddleware's through middie); returns it, or undefined for none.
 */
function adoptRequestId(request: FastifyRequestLike): string | undefined {
  const id: unknown = (request.raw as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') return undefined;
  request.id = id;
  return id;
}

/** A Nest-style middleware over Node's request and response (Faultline's request middleware). */
export type NodeMiddleware = (req: NodeRequest, res: ServerResponse, next: () => void) => void;

/** What Faultline's Fastify hook runs for every request. */
export interface FastifyRequestHook {
  /**
   * Faultline's request middleware, over the Node request and response; it does not send the
   * id header ({@link idHeader} does).
   */
  middleware: NodeMiddleware;
  /** The response header the request id is sent in (`requestIdHeader`). */
  idHeader: string;
}

type ReplyLike = { raw?: unknown; header?: (name: string, value: string) => unknown };

/** A Fastify `onRequest` hook, callback style. */
type OnRequestHook = (request: FastifyRequestLike, reply: unknown, done: (err?: unknown) => void) => void;

/** The part of Nest's Fastify adapter {@link linkFastifyRequests} uses. */
interface FastifyAdapterLike {
  getInstance(): unknown;
  setOnRequestHook?(hook: OnRequestHook): void;
  /** The hook given to `setOnRequestHook()`, if any (a field of the adapter's own). */
  onRequestHook?: OnRequestHook;
}

/**
 * Adds Faultline's `onRequest` hook to the Fastify instance of Nest's adapter. With the request
 * middleware to run (`hook`) and where the adapter has `setOnRequestHook()` (Nest 11.2 and
 * later), the hook runs there: first of all, before Nest middleware, the adapter's CORS hook and
 * the application's own Fastify hooks, with a hook the application gave `setOnRequestHook()` run
 * after it; otherwise it is added to the instance, after those. It runs for every request,
 * matched or not: it links the Fastify request to its Node request ({@link linkPlatformRequest}),
 * runs the request middleware (the request id, logger, scope and request line) on the Node
 * request and response, and gives the Fastify request the id it assigned. Run as a hook rather
 * than as Nest middleware, it costs no pass through @fastify/middie.
 *
 * The id header goes on the reply, not on the Node response: Fastify then sends it with its own
 * headers in one `writeHead` (a header set on the Node response first makes Node re-validate
 * every one of Fastify's), and Nest's SSE streams, which write the Node response, take the
 * reply's headers with them. Its `onError` hook, which Fastify runs before the error handler,
 * keeps Fastify's own errors ({@link platformErrorOf}).
 */
export function linkFastifyRequests(adapter: FastifyAdapterLike, hook?: FastifyRequestHook): void {
  const instance = adapter.getInstance();
  if (typeof (instance as Partial<FastifyHooks> | null)?.addHook !== 'function') return;
  const fastify = instance as FastifyHooks;
  const onRequest = (request: FastifyRequestLike, reply: unknown, done: () => void): void => {
    linkPlatformRequest(request);
    const raw = request.raw as NodeRequest;
    const { raw: res, header } = reply as ReplyLike;
    if (!hook || !(res instanceof ServerResponse)) {
      adoptRequestId(request);
      done();
      return;
    }
    // The middleware keeps an id of the application's Fastify (its `genReqId`, or the header of
    // its `requestIdHeader`) when sane, and otherwise assigns one. Where the hook runs after
    // @fastify/middie, middie copied Fastify's own id there: never kept.
    (raw as { id?: unknown }).id = applicationFastifyId(request.id);
    hook.middleware(raw, res, () => {
      // The request's logger on the Fastify request too, as `req.log` is on Express (Fastify's
      // own is silent unless its logger is on); middie copies it to the Node request for Nest
      // middleware, as it does the id. The reply's as well: Fastify writes what only it sees
      // there (a file stream that failed after the headers went out, a reply sent twice);
      // its lines about the request's end, which the request line says, are left out
      // ({@link isFastifyLifecycleLine}).
      const log = (raw as { log?: unknown }).log;
      if (log !== undefined) {
        request.log = log;
        (reply as { log?: unknown }).log = log;
      }
      const id = adoptRequestId(request);
      if (id !== undefined) {
        if (typeof header === 'function') header.call(reply, hook.idHeader, id);
        else res.setHeader(hook.idHeader, id);
      }
      done();
    });
  };
  // Without Faultline's request middleware the id is assigned by a Nest middleware of its own
  // (in middie), which the hook must follow to adopt it.
  if (hook !== undefined && ownsOnRequestHook(adapter)) {
    const previous = adapter.onRequestHook;
    adapter.setOnRequestHook(
      previous === undefined
        ? onRequest
        : (request, reply, done) => onRequest(request, reply, () => previous(request, reply, done)),
    );
  } else {
    fastify.addHook('onRequest', onRequest);
  }
  fastify.addHook('onError', (request, _reply, error, done) => {
    // Fastify's own errors only (@fastify/error names them so): what Nest rewraps.
    if (typeof error === 'object' && error !== null && (error as Error).name === 'FastifyError') {
      (request.raw as { [PLATFORM_ERROR]?: unknown })[PLATFORM_ERROR] = error;
    }
    done();
  });
}

/**
 * True when the adapter runs the hook of `setOnRequestHook()` itself, first of its `onRequest`
 * hooks (Nest 11.2 and later); Nest's base adapter has a `setOnRequestHook()` that does nothing.
 */
function ownsOnRequestHook(
  adapter: FastifyAdapterLike,
): adapter is FastifyAdapterLike & Required<Pick<FastifyAdapterLike, 'setOnRequestHook'>> {
  if (typeof adapter.setOnRequestHook !== 'function') return false;
  // By the name of the class that defines it: an application may load two copies of Nest's core.
  let proto: unknown = Object.getPrototypeOf(adapter);
  while (proto !== null && typeof proto === 'object' && !Object.hasOwn(proto, 'setOnRequestHook')) {
    proto = Object.getPrototypeOf(proto);
  }
  const owner = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return owner !== undefined && owner !== 'AbstractHttpAdapter';
}

/** The ids Fastify makes itself without a `genReqId` of the application's: `req-1`, `req-a`, ... */
const FASTIFY_OWN_ID = /^req-[0-9a-z]+$/;

/**
 * The Fastify request's id when the application's Fastify made it (a `genReqId` of its own, or
 * the value of its `requestIdHeader`) and it has the shape of a sane request id; else undefined.
 */
function applicationFastifyId(id: unknown): string | undefined {
  return typeof id === 'string' && !FASTIFY_OWN_ID.test(id) && REQUEST_ID_PATTERN.test(id) ? id : undefined;
}

/**
 * Fastify's own lines about how a request ended (`request completed`, `request errored`,
 * `stream closed prematurely`), written on the reply's logger with the reply (or its Node
 * response) as `res`: the request line says all of it already. Fastify's other lines on it (a
 * stream that failed after the headers were sent, a reply sent twice) are kept.
 */
export function isFastifyLifecycleLine(fields: unknown, message: unknown): boolean {
  return (
    typeof message === 'string' &&
    FASTIFY_LIFECYCLE_MESSAGES.has(message) &&
    typeof fields === 'object' &&
    fields !== null &&
    isFastifyReply((fields as { res?: unknown }).res)
  );
}

const FASTIFY_LIFECYCLE_MESSAGES = new Set([
  'request completed',
  'request errored',
  'stream closed prematurely',
]);

/**
 * A Fastify reply (its Node response as `raw`, and its request), or the Node response itself,
 * which Fastify before 5.10 gives its `stream closed prematurely` line.
 */
function isFastifyReply(value: unknown): boolean {
  return (
    value instanceof ServerResponse ||
    (typeof value === 'object' &&
      value !== null &&
      (value as ReplyLike).raw instanceof ServerResponse &&
      typeof (value as { request?: unknown }).request === 'object')
  );
}
