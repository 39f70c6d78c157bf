import {
  type ExtensionFaultReporter,
  IGNORE_EXTENSION_FAULTS,
  listenerName,
} from '../kernel/extension-point';
import type { LoggedRequest } from '../kernel/request-context';
import { RequestTap, type RequestFinishListener } from '../kernel/request-tap';

/**
 * The {@link RequestTap} the module uses: a finish listener that throws no longer escapes into
 * the response's `finish` event (where it would be an uncaught exception, and would keep the
 * later listeners and the request line from running); it is reported as a
 * `request-finish-listener` fault instead. A `try` around each call costs nothing until it throws.
 */
export class GuardedRequestTap extends RequestTap {
  private faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS;

  /** Where caught throws are reported (set once the reporter exists: it logs through the logging runtime, which needs this tap). */
  reportTo(faults: ExtensionFaultReporter): void {
    this.faults = faults;
  }

  override onFinish(listener: RequestFinishListener): () => void {
    const guarded: RequestFinishListener = (req, status, durationMs) => {
      try {
        listener(req, status, durationMs);
      } catch (error) {
        this.faults.report({
          point: 'request-finish-listener',
          error,
          requestId: requestIdOf(req),
          name: listenerName(listener),
        });
      }
    };
    return super.onFinish(guarded);
  }
}

function requestIdOf(req: LoggedRequest): string | undefined {
  const id = req?.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}
