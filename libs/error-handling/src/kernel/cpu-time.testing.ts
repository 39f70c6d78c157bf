/**
 * For tests that bound how much work something takes: the CPU time (user and system) this
 * process spends in `fn`, in ms. Unlike the clock, a busy machine does not move it (a loaded
 * core makes work wait, not grow), so a bound on it tells linear from quadratic on any CI.
 */
export async function cpuMsOf<T>(fn: () => Promise<T> | T): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await fn();
  const { user, system } = process.cpuUsage(before);
  return { value, cpuMs: (user + system) / 1000 };
}
