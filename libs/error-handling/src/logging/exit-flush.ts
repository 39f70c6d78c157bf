/** Something with lines to write out before the process exits. */
export interface ExitFlushable {
  /** Writes what is pending, synchronously: the event loop is gone. */
  flushAtExit(): void;
}

// Held weakly: a destination dropped with its application is collected, not kept for the exit.
const live = new Set<WeakRef<ExitFlushable>>();
const collected = new FinalizationRegistry<WeakRef<ExitFlushable>>((ref) => forget(ref));
let listening = false;

function onExit(): void {
  for (const ref of live) {
    try {
      ref.deref()?.flushAtExit();
    } catch {
      // The process is exiting: nothing is left to tell.
    }
  }
}

function forget(ref: WeakRef<ExitFlushable>): void {
  live.delete(ref);
  if (live.size === 0 && listening) {
    process.removeListener('exit', onExit);
    listening = false;
  }
}

/**
 * Flushes `target` when the process exits (`process.exit()`, the end of the event loop, an
 * uncaught exception); one `exit` listener serves every target. Returns a function that stops it.
 */
export function flushAtExit(target: ExitFlushable): () => void {
  const ref = new WeakRef(target);
  live.add(ref);
  collected.register(target, ref, ref);
  if (!listening) {
    process.on('exit', onExit);
    listening = true;
  }
  return () => {
    collected.unregister(ref);
    forget(ref);
  };
}
