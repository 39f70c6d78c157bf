import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSampleProcess, type SampleProcess } from './support/sample-process';
import { waitUntil } from './support/wait';

/** How long each storm lasts, and how many clients keep a request in flight. */
const STORM_SECONDS = Number(process.env.OVERLOAD_STORM_SECONDS ?? 20);
const CONNECTIONS = 100;
/** The heap the app gets: small enough that an unbounded log backlog runs out of it. */
const HEAP_MB = 160;
/** How far the app's resident memory may grow above where it started. */
const MAX_RSS_GROWTH_MB = 300;

/** What autocannon, run in a process of its own, saw of one storm. */
interface StormResult {
  responses: number;
  sent: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

/**
 * Runs autocannon against `url` in a child process (so the load does not share this test's
 * thread, which also reads the app's output), counting every response it receives.
 */
function storm(url: string): Promise<StormResult> {
  const script = `
    const autocannon = require('autocannon');
    let responses = 0;
    const instance = autocannon(
      { url: ${JSON.stringify(url)}, connections: ${CONNECTIONS}, duration: ${STORM_SECONDS}, timeout: 30 },
      (err, result) => {
        if (err) { process.stdout.write(JSON.stringify({ error: String(err) })); return; }
        const statusCodes = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats || {})) statusCodes[code] = stat.count;
        process.stdout.write(JSON.stringify({
          responses, sent: result.requests.sent, statusCodes, errors: result.errors, timeouts: result.timeouts,
        }));
      },
    );
    instance.on('response', () => responses++);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', () => {
      try {
        const result = JSON.parse(out) as StormResult & { error?: string };
        if (result.error) reject(new Error(`autocannon failed: ${result.error}`));
        else resolve(result);
      } catch {
        reject(new Error(`autocannon printed no result: ${out}\n${err}`));
      }
    });
  });
}

/** The resident set size of a process, in MB (`VmRSS` of /proc/<pid>/status); NaN once it is gone. */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every 250 ms until stopped; returns the highest value seen. */
function sampleRss(pid: number): { stop(): number } {
  let max = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now > max) max = now;
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

/**
 * Counts the app's request lines as they arrive on its stdout, by the URL they are for, without
 * keeping them: a storm writes tens of thousands.
 */
function countRequestLines(app: SampleProcess, urls: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(Object.keys(urls).map((k) => [k, 0]));
  const needles = Object.entries(urls).map(([name, prefix]) => [name, `"url":"${prefix}`] as const);
  let partial = '';
  app.child.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"msg":"request ')) continue;
      for (const [name, needle] of needles) if (line.includes(needle)) counts[name]++;
    }
  });
  return counts;
}

describe('the built sample app under a storm (production, JSON logs to stdout, 160 MB heap)', () => {
  let app: SampleProcess;
  let counts: Record<string, number>;
  const longPath = `/overload/${'a'.repeat(6 * 1024)}`;

  beforeAll(async () => {
    app = await startSampleProcess(
      { LOG_FORMAT: 'json', DEMO_FAULTS: '1' },
      { nodeArgs: [`--max-old-space-size=${HEAP_MB}`], keepStdoutChars: 256 * 1024 },
    );
    counts = countRequestLines(app, { notFound: '/overload/', boom: '/demo/boom' });
  }, 60_000);
  afterAll(async () => {
    if (!app) return;
    // An app still writing a backlog may not stop on SIGTERM in time.
    const kill = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
    await app.stop();
    clearTimeout(kill);
  }, 60_000);

  it(
    'survives 404s with 6 KB URLs and then 500s from 100 clients, memory bounded, every request logged',
    async () => {
      const pid = app.child.pid as number;
      // A few requests first, so the start is measured with the routes warm.
      for (let i = 0; i < 20; i++) await (await fetch(`${app.baseUrl}${longPath}`)).arrayBuffer();
      await waitUntil(
        () => counts.notFound >= 20,
        30_000,
        () => `no request lines for the warm-up requests:\n${app.stdout().slice(-4000)}\n${app.stderr()}`,
      );
      const warm = counts.notFound;
      const startRss = rssMb(pid);

      const rss = sampleRss(pid);
      const notFound = await storm(`${app.baseUrl}${longPath}`);
      const boom = await storm(`${app.baseUrl}/demo/boom`);
      const peakRss = rss.stop();
      const figures =
        `RSS ${startRss.toFixed(0)} MB at the start, ${peakRss.toFixed(0)} MB at the peak; ` +
        `404 storm ${JSON.stringify(notFound)}, 500 storm ${JSON.stringify(boom)}; ` +
        `request lines so far ${JSON.stringify(counts)}`;
      process.stdout.write(`overload: ${figures}\n`);

      const alive = app.child.exitCode === null && app.child.signalCode === null;
      expect({ alive, stderr: app.stderr().slice(-2000) }).toEqual({
        alive: true,
        stderr: '',
      });
      const health = await fetch(`${app.baseUrl}/health`);
      expect(health.status).toBe(200);
      const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
      const backlog = metrics.split('\n').filter((l) => l.startsWith('faultline_log_'));
      process.stdout.write(`overload: ${backlog.join(', ')}\n`);
      expect(peakRss - startRss).toBeLessThan(MAX_RSS_GROWTH_MB);

      // Every response came with its request line; requests cut off when the storm stopped may
      // add an aborted one each. Lines still in the backlog are waited for.
      expect(notFound.responses).toBeGreaterThan(0);
      expect(boom.responses).toBeGreaterThan(0);
      await waitUntil(
        () => counts.notFound - warm >= notFound.responses && counts.boom >= boom.responses,
        60_000,
        () => `request lines ${JSON.stringify(counts)} fewer than responses; ${figures}`,
      );
      expect(counts.notFound - warm).toBeLessThanOrEqual(notFound.sent);
      expect(counts.boom).toBeLessThanOrEqual(boom.sent);
    },
    STORM_SECONDS * 2 * 1000 + 150_000,
  );
});
