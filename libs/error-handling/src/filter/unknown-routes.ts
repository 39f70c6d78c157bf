/** The part of Nest's HTTP adapter (Express's or Fastify's) that takes the handler of unknown routes. */
interface NotFoundHandlerHost {
  setNotFoundHandler?: (
    handler: (...args: unknown[]) => unknown,
    prefix?: string,
    ...rest: unknown[]
  ) => unknown;
  getType?: () => string;
  use?: (...args: unknown[]) => unknown;
}

/** What answers a request no route matched. */
export interface UnknownRouteAnswer {
  answerUnknownRoute(req: unknown, res: unknown): void;
}

/**
 * Has requests no route matched answered by `answer` (Faultline's filter) directly, in place of
 * the handler Nest registers for them at start-up (it throws a `NotFoundException`, captures its
 * stack and passes it through Nest's exception zone to the global filters). Only when
 * `onlyFilter()`, asked when Nest registers its handler (after `useGlobalFilters` and
 * `APP_FILTER`), says Faultline's filter is the only global filter: an application filter of its
 * own still sees every 404 as Nest hands it over. The adapter's own method does the registering,
 * with everything Nest gives it (the global prefix, Nest 12's excluded routes).
 *
 * Nest 12 on Express mounts its handler under the global prefix only, so a path outside it
 * fell through to Express's own HTML 404; Faultline answers those too, at the root, after Nest's.
 */
export function answerUnknownRoutes(
  adapter: unknown,
  answer: UnknownRouteAnswer,
  onlyFilter: () => boolean,
): void {
  const host = adapter as NotFoundHandlerHost | null;
  const register = host?.setNotFoundHandler;
  if (typeof register !== 'function' || host === null) return;
  host.setNotFoundHandler = function (handler, prefix, ...rest) {
    // Once: a second registration (another application on the same adapter) is Nest's own.
    host.setNotFoundHandler = register;
    if (!onlyFilter()) return register.call(this, handler, prefix, ...rest);
    const unknown = (req: unknown, res: unknown): void => answer.answerUnknownRoute(req, res);
    const registered = register.call(this, unknown, prefix, ...rest);
    if (prefix && host.getType?.() === 'express' && typeof host.use === 'function')
      host.use.call(this, unknown);
    return registered;
  };
}
