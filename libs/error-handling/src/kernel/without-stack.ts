/**
 * Runs `make`, an error's construction, without capturing a stack: for the errors Faultline
 * makes of a client's mistake (an unknown route, a body that fails validation), whose stack would
 * only point into Nest's router or pipes and is never shown or logged for an expected 4xx.
 * Capturing one (with the async frames of the pipes' promises) was the costliest step of such a
 * failure. The error's `stack` is then its first line alone (`ValidationError: ...`).
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    // Frozen intrinsics: the stack is captured as usual.
    return make();
  }
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
