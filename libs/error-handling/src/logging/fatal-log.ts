import { Listeners } from '../kernel/listeners';

/** A `fatal` line, as told to listeners: already redacted. */
export interface FatalLogLine {
  message: string;
  fields: Record<string, unknown>;
}

/** Something that acts on `fatal` lines (the alerts feature); must not throw, must not log at fatal. */
export type FatalLogListener = (line: FatalLogLine) => void;

/**
 * `fatal` lines of Faultline's logger, counted and told to listeners by its `logMethod` hook:
 * the only cost on every line is one level comparison.
 */
export class FatalLogListeners {
  /** `fatal` lines written so far (for metrics). */
  count = 0;
  private readonly listeners = new Listeners<[FatalLogLine]>();

  /** Adds a listener; returns a function that removes it. */
  add(listener: FatalLogListener): () => void {
    return this.listeners.add(listener);
  }

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
