/** The part of Nest's HTTP adapter (Express's or Fastify's) that takes the handler of unknown routes. */
interface NotFoundHandlerHost {
  setNotFoundHandler?: (handler: (...args: unknown[]) => unknown, prefix?: string) => unknown;
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
 * under the global prefix Nest gives it.
 */
export function answerUnknownRoutes(
  adapter: unknown,
  answer: UnknownRouteAnswer,
  onlyFilter: () => boolean,
): void {
  const host = adapter as NotFoundHandlerHost | null;
  const register = host?.setNotFoundHandler;
  if (typeof register !== 'function' || host === null) return;
  host.setNotFoundHandler = function (handler, prefix) {
    // Once: a second registration (another application on the same adapter) is Nest's own.
    host.setNotFoundHandler = register;
    if (!onlyFilter()) return register.call(this, handler, prefix);
    return register.call(this, (req: unknown, res: unknown) => answer.answerUnknownRoute(req, res), prefix);
  };
}
