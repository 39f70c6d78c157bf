import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LOGGING_RUNTIME } from './logging.internal-constants';
import type { LoggingRuntime } from './logging-runtime';

/**
 * When the application starts to close (the first of Nest's shutdown hooks), Faultline's log
 * destination writes what waits and from then on each line at once. Nest's
 * `enableShutdownHooks()` ends the process by raising the signal again as soon as its hooks are
 * done, with no exit event: a line written during the shutdown (the request line of a request
 * the drain let finish) would otherwise still be waiting for a turn of the event loop.
 */
@Injectable()
export class LogOutputShutdown implements OnModuleDestroy {
  constructor(@Inject(LOGGING_RUNTIME) private readonly runtime: LoggingRuntime | null) {}

  onModuleDestroy(): void {
    this.runtime?.writeThrough();
  }
}
