/** A `fatal` line, as told to listeners: already redacted. */
export interface FatalLogLine {
  message: string;
  fields: Record<string, unknown>;
}

/** Something that acts on `fatal` lines (the alerts feature); must not throw, must not log at fatal. */
export type FatalLogListener = (line: FatalLogLine) => void;

/**
 * Listeners for `fatal` lines of Faultline's logger, told by its `logMethod` hook: the only cost
 * on every line is one level comparison.
 */
export class FatalLogListeners {
  private listeners: FatalLogListener[] = [];

  get size(): number {
    return this.listeners.length;
  }

  /** Adds a listener; returns a function that removes it. */
  add(listener: FatalLogListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Tells every listener about one call's (redacted) arguments. */
  emit(args: readonly unknown[], messageKey = 'msg'): void {
    const first = args[0];
    const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
    const text = args.find((a): a is string => typeof a === 'string');
    const inline = fields[messageKey];
    const line: FatalLogLine = {
      message: text ?? (typeof inline === 'string' ? inline : ''),
      fields,
    };
    for (const listener of this.listeners) {
      try {
        listener(line);
      } catch {
        // A failing listener must not break logging.
      }
    }
  }
}
