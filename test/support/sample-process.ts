import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freshPgliteDir, removePgliteDir } from './pglite-dirs';
import { waitUntil } from './wait';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'sample', 'main.js');

/** The built sample app running as a child process, with its output kept. */
export interface SampleProcess {
  child: ChildProcess;
  baseUrl: string;
  stdout(): string;
  stderr(): string;
  /** The complete JSON lines written to stdout so far (LOG_FORMAT=json), parsed; other lines skipped. */
  jsonLines(): JsonLine[];
  /**
   * Waits until a JSON line on stdout matches `predicate` and returns the first that does. The
   * bound (default 20 s) only matters when the line never comes.
   */
  waitForLine(predicate: (line: JsonLine) => boolean, timeoutMs?: number): Promise<JsonLine>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** One JSON log line of the sample app. */
export type JsonLine = Record<string, unknown> & { level?: number; msg?: string; context?: string };

/** How {@link startSampleProcess} runs the app, besides its environment. */
export interface SampleProcessOptions {
  /** Node options before the script, for example `['--max-old-space-size=160']`. */
  nodeArgs?: string[];
  /**
   * Keep at most this many characters of stdout for `stdout()`, `jsonLines()` and `waitForLine()`
   * (its start): a test that reads a flood of lines itself, from `child.stdout`, need not hold
   * them all. Default: everything.
   */
  keepStdoutChars?: number;
}

/** Starts `dist/apps/sample/main.js` on a free port and waits (up to 60 s) until it listens. */
export async function startSampleProcess(
  env: Record<string, string> = {},
  options: SampleProcessOptions = {},
): Promise<SampleProcess> {
  const keep = options.keepStdoutChars ?? Infinity;
  // The embedded database, unless `env` names one: a copy of the run's initialised one.
  const pgliteDir = env.DATABASE_URL || env.PGLITE_DATA_DIR ? undefined : freshPgliteDir();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
    // HTTP_ADAPTER passes through: the suite's platform, unless `env` names one.
    env: {
      ...process.env,
      NODE_ENV: 'production',
      AUTH_SECRET: 'process-test-secret',
      PORT: '0',
      ...(pgliteDir === undefined ? {} : { PGLITE_DATA_DIR: pgliteDir }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    if (out.length < keep) out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      removePgliteDir(pgliteDir);
      resolve(code);
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sample app did not start:\n${out}\n${err}`)), 60_000);
    const check = () => {
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', () => reject(new Error(`sample app exited:\n${out}\n${err}`)));
  });
  const jsonLines = (): JsonLine[] => {
    const lines: JsonLine[] = [];
    // The last piece is a line still being written unless the output ends with a newline.
    for (const line of out.split('\n').slice(0, -1)) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as JsonLine);
      } catch {
        // Not a log line.
      }
    }
    return lines;
  };
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    exited,
    stdout: () => out,
    stderr: () => err,
    jsonLines,
    async waitForLine(predicate, timeoutMs = 20_000) {
      let found: JsonLine | undefined;
      await waitUntil(
        () => (found = jsonLines().find(predicate)) !== undefined,
        timeoutMs,
        () => `no matching line on the sample app's stdout within ${timeoutMs} ms; got:\n${out}\n${err}`,
        20,
      );
      return found as JsonLine;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
