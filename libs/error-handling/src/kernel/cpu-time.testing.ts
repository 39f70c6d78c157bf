import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** Clock ticks per second of /proc/<pid>/stat. */
let clockTicks: number | undefined;

/**
 * For tests that bound another process's work (an app started as a child): the CPU time (user
 * and system) process `pid` has used so far, in ms, from Linux's /proc. As with {@link cpuMsOf},
 * a busy machine does not move it.
 */
export function processCpuMs(pid: number | undefined): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command's ")": state is field 3, utime and stime fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}
