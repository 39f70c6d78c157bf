/**
 * A list of listeners, the one implementation behind every `onX()` / `subscribe()` of Faultline
 * (the failure bus, request finishes, readiness changes, suspicious activity, fatal lines).
 *
 * Adding and removing make a new array, so a listener that adds or removes listeners while it is
 * told does not change who is told this time; {@link current} is that array, for a hot path that
 * loops over it itself.
 */
export class Listeners<A extends unknown[], R = void> {
  private list: readonly ((...args: A) => R)[] = [];

  /** The listeners now, in the order they are told (what each returns is theirs to read). */
  get current(): readonly ((...args: A) => R)[] {
    return this.list;
  }

  /**
   * Adds a listener, last (or first with `first`: an error tracker whose event id the others
   * report); returns a function that removes it.
   */
  add(listener: (...args: A) => R, options: { first?: boolean } = {}): () => void {
    this.list = options.first ? [listener, ...this.list] : [...this.list, listener];
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const i = this.list.indexOf(listener);
      if (i !== -1) this.list = [...this.list.slice(0, i), ...this.list.slice(i + 1)];
    };
  }

  /**
   * Tells every listener. One that throws does not stop the others: what it threw goes to
   * `onError` (which must not throw), or is dropped when there is none.
   */
  emit(args: A, onError?: (error: unknown, listener: (...args: A) => R) => void): void {
    for (const listener of this.list) {
      try {
        listener(...args);
      } catch (error) {
        onError?.(error, listener);
      }
    }
  }
}
