import type { Listeners } from '../kernel/listeners';
import type { FatalLogLine } from '../kernel/signals';

/**
 * `fatal` lines of Faultline's logger, counted and told to listeners by its `logMethod` hook:
 * the only cost on every line is one level comparison.
 */
export class FatalLogListeners {
  /** `fatal` lines written so far (for metrics). */
  count = 0;

  /** `listeners`: who hears of `fatal` lines (the kernel's {@link Signals.fatal}). */
  constructor(private readonly listeners: Listeners<[FatalLogLine]>) {}

  /** Counts one `fatal` call and tells every listener its (redacted) arguments. */
  emit(args: readonly unknown[], messageKey = 'msg'): void {
    this.count++;
    if (this.listeners.current.length === 0) return;
    const first = args[0];
    const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
    const text = args.find((a): a is string => typeof a === 'string');
    const inline = fields[messageKey];
    const line: FatalLogLine = {
      message: text ?? (typeof inline === 'string' ? inline : ''),
      fields,
    };
    // A failing listener must not break logging.
    this.listeners.emit([line]);
  }
}
