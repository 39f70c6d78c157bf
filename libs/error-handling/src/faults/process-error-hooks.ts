/** Node's `--unhandled-rejections` modes. */
export type UnhandledRejectionsMode = 'throw' | 'strict' | 'warn' | 'none' | 'warn-with-error-code';

const MODES: readonly UnhandledRejectionsMode[] = ['throw', 'strict', 'warn', 'none', 'warn-with-error-code'];

/**
 * The `--unhandled-rejections` mode the process runs with, from its flags and `NODE_OPTIONS`
 * (the flags win, as with Node); `throw`, Node's default, when neither sets it.
 */
export function unhandledRejectionsMode(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): UnhandledRejectionsMode {
  const fromArgs = (args: readonly string[]): UnhandledRejectionsMode | undefined => {
    let mode: UnhandledRejectionsMode | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      let value: string | undefined;
      if (arg.startsWith('--unhandled-rejections=')) value = arg.slice('--unhandled-rejections='.length);
      else if (arg === '--unhandled-rejections') value = args[++i];
      if (value !== undefined && (MODES as readonly string[]).includes(value)) {
        mode = value as UnhandledRejectionsMode;
      }
    }
    return mode;
  };
  return fromArgs(execArgv) ?? fromArgs((nodeOptions ?? '').split(/\s+/).filter(Boolean)) ?? 'throw';
}

/** The part of `process` the hooks use; a plain EventEmitter with these members stands in for it in tests. */
export interface ProcessLike {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (...args: unknown[]) => void): unknown;
  removeListener(
    event: 'uncaughtException' | 'unhandledRejection',
    listener: (...args: unknown[]) => void,
  ): unknown;
  listeners(event: 'uncaughtException' | 'unhandledRejection'): unknown[];
  nextTick(callback: () => void): void;
  exitCode?: number | string | null;
  exit(code: number): void;
}

/** What the hooks do with an error; supplied by the module (logging, alerts, Sentry, audit). */
export interface ProcessErrorSinks {
  /** Writes the one line for the error; `fatal` when it ends the process. */
  log(level: 'fatal' | 'error', message: ProcessErrorMessage, error: unknown): void;
  /** Waits for what is queued (alerts, Sentry, audit, log lines) to go out, at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

/** The message of a process error's line. */
export type ProcessErrorMessage = 'uncaught exception' | 'unhandled rejection';

/** Marks Faultline's listeners (of any copy of the library), so none counts as the application's own. */
const FAULTLINE_LISTENER = Symbol.for('faultline.processErrorListener');

/**
 * One pair of listeners per process, whatever the number of applications in it (tests start
 * many): the hooks installed last handle each error, so it gets one line, and the process never
 * collects a listener per application.
 */
interface ProcessSlot {
  /** The installed hooks, latest last. */
  hooks: ProcessErrorHooks[];
  onException: (error: unknown, origin?: unknown) => void;
  onRejection: (reason: unknown) => void;
}

const slots = new WeakMap<ProcessLike, ProcessSlot>();

/**
 * Faultline's `uncaughtException` and `unhandledRejection` listeners. Each error gets one line
 * (through `sinks.log`); then the process does what Node would have done without them:
 *
 * - an uncaught exception: `fatal`; unless the application has a listener of its own, the
 *   process exits with code 1 once `sinks.flush` is done (at most `flushTimeoutMs`);
 * - an unhandled rejection, by `--unhandled-rejections` mode: `throw` (the default) makes it an
 *   uncaught exception unless the application has a rejection listener of its own (`fatal`,
 *   then the exit above, or the application's `uncaughtException` listeners get it); `strict`
 *   makes Node raise it as an uncaught exception first, logged there; `warn`, `none` and
 *   `warn-with-error-code` leave the process running (an `error` line; the last sets exit code 1).
 *
 * Listeners that are not the application's: Faultline's own, Sentry's (`_errorHandler`,
 * `sendUnhandledPromise`) and the one domains add.
 */
export class ProcessErrorHooks {
  private exiting = false;
  private readonly rethrown = new WeakSet<object>();

  constructor(
    private readonly proc: ProcessLike,
    private readonly sinks: ProcessErrorSinks,
    private readonly flushTimeoutMs: number,
    private readonly mode: UnhandledRejectionsMode,
  ) {}

  /** Starts handling the process's errors (adding the listeners, unless another instance did). */
  install(): void {
    let slot = slots.get(this.proc);
    if (!slot) {
      const hooks: ProcessErrorHooks[] = [];
      slot = {
        hooks,
        onException: marked((error: unknown, origin?: unknown) => hooks.at(-1)?.exception(error, origin)),
        onRejection: marked((reason: unknown) => hooks.at(-1)?.rejection(reason)),
      };
      this.proc.on('uncaughtException', slot.onException);
      this.proc.on('unhandledRejection', slot.onRejection);
      slots.set(this.proc, slot);
    }
    if (!slot.hooks.includes(this)) slot.hooks.push(this);
  }

  /** Stops handling them; the listeners go with the last instance. */
  uninstall(): void {
    const slot = slots.get(this.proc);
    if (!slot) return;
    const i = slot.hooks.indexOf(this);
    if (i !== -1) slot.hooks.splice(i, 1);
    if (slot.hooks.length > 0) return;
    this.proc.removeListener('uncaughtException', slot.onException);
    this.proc.removeListener('unhandledRejection', slot.onRejection);
    slots.delete(this.proc);
  }

  private exception(error: unknown, origin: unknown): void {
    const rethrown = typeof error === 'object' && error !== null && this.rethrown.has(error);
    if (!rethrown) {
      // In `strict` mode Node raises a rejection as an uncaught exception with this origin.
      this.safeLog(
        'fatal',
        origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception',
        error,
      );
    }
    // With a listener of its own the application decides, as it would without Faultline.
    if (this.applicationListeners('uncaughtException') > 0) return;
    this.exit();
  }

  private rejection(reason: unknown): void {
    // `strict`: Node raised it as an uncaught exception first, and it was logged there.
    if (this.mode === 'strict') return;
    const fatal = this.mode === 'throw' && this.applicationListeners('unhandledRejection') === 0;
    if (!fatal) {
      this.safeLog('error', 'unhandled rejection', reason);
      if (this.mode === 'warn-with-error-code') this.proc.exitCode = 1;
      return;
    }
    this.safeLog('fatal', 'unhandled rejection', reason);
    if (this.applicationListeners('uncaughtException') > 0) {
      // As Node does in `throw` mode: the rejection becomes an uncaught exception, which the
      // application's listeners get (not logged a second time).
      const error = asError(reason);
      this.rethrown.add(error);
      this.proc.nextTick(() => {
        throw error;
      });
      return;
    }
    this.exit();
  }

  private exit(): void {
    if (this.exiting) return;
    this.exiting = true;
    this.proc.exitCode = 1;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const end = (): void => {
      if (deadline === undefined) return;
      clearTimeout(deadline);
      deadline = undefined;
      this.proc.exit(1);
    };
    // Real timers, kept referenced: the process must end even under a test clock, and must not
    // end on its own before the flush is done.
    deadline = setTimeout(end, this.flushTimeoutMs + 100);
    let flushing: Promise<void>;
    try {
      flushing = this.sinks.flush(this.flushTimeoutMs);
    } catch {
      flushing = Promise.resolve();
    }
    flushing.then(end, end);
  }

  private safeLog(level: 'fatal' | 'error', message: ProcessErrorMessage, error: unknown): void {
    try {
      this.sinks.log(level, message, error);
    } catch {
      // Logging failed: the exit (or not) still follows Node's rule.
    }
  }

  /** Listeners of `event` that belong to the application (not Faultline's, Sentry's or Node's). */
  private applicationListeners(event: 'uncaughtException' | 'unhandledRejection'): number {
    let count = 0;
    for (const listener of this.proc.listeners(event)) {
      const l = listener as { [FAULTLINE_LISTENER]?: boolean; _errorHandler?: boolean; name?: string };
      if (l[FAULTLINE_LISTENER] === true || l._errorHandler === true) continue;
      if (l.name === 'domainUncaughtExceptionClear' || l.name === 'sendUnhandledPromise') continue;
      count++;
    }
    return count;
  }
}

function marked<T extends (...args: never[]) => void>(listener: T): T {
  Object.defineProperty(listener, FAULTLINE_LISTENER, { value: true });
  return listener;
}

/** What Node raises for a rejection whose reason is not an Error. */
function asError(reason: unknown): object {
  if ((typeof reason === 'object' && reason !== null) || typeof reason === 'function')
    return reason as object;
  return Object.assign(
    new Error('Unhandled promise rejection: the promise rejected with a value that is not an Error'),
    { code: 'ERR_UNHANDLED_REJECTION', reason },
  );
}
