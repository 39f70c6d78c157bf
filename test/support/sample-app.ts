import type { INestApplication, LoggerService } from '@nestjs/common';
import request from 'supertest';
import { readyForRequests, TEST_ADAPTER } from './http-adapter';
import { LogCapture } from './log-capture';
import { freshPgliteDir, removePgliteDir } from './pglite-dirs';
import { createSampleApp } from '../../apps/sample/src/bootstrap';
import { loadConfig, type SampleConfig } from '../../apps/sample/src/sample.config';

/** One captured log call. */
export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  extra: unknown[];
}

/** A Nest logger that keeps every line, for assertions on what was logged. */
export class CapturingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];
  log(message: unknown, ...extra: unknown[]) {
    this.push('log', message, extra);
  }
  error(message: unknown, ...extra: unknown[]) {
    this.push('error', message, extra);
  }
  warn(message: unknown, ...extra: unknown[]) {
    this.push('warn', message, extra);
  }
  debug(message: unknown, ...extra: unknown[]) {
    this.push('debug', message, extra);
  }
  verbose(message: unknown, ...extra: unknown[]) {
    this.push('verbose', message, extra);
  }
  fatal(message: unknown, ...extra: unknown[]) {
    this.push('fatal', message, extra);
  }
  /** Lines that mention a request id. */
  forRequest(requestId: string): LogEntry[] {
    return this.entries.filter((e) => e.message.includes(requestId));
  }
  private push(level: LogEntry['level'], message: unknown, extra: unknown[]) {
    this.entries.push({ level, message: String(message), extra });
  }
}

/** A started sample app (not listening) with its JSON log lines captured. */
export interface SampleHarness {
  app: INestApplication;
  logs: LogCapture;
  http: () => ReturnType<typeof request>;
  login(username: 'alice' | 'admin'): Promise<string>;
  close(): Promise<void>;
}

/** Starts the sample app with test settings: demo faults on, given overrides applied. */
export async function startSample(overrides: Partial<SampleConfig> = {}): Promise<SampleHarness> {
  const config: SampleConfig = {
    ...loadConfig({
      NODE_ENV: 'test',
      AUTH_SECRET: 'test-secret',
      DEMO_FAULTS: '1',
      HTTP_ADAPTER: TEST_ADAPTER,
    }),
    ...overrides,
  };
  // The embedded database, unless the test names one: a copy of the run's initialised one.
  const pgliteDir =
    config.databaseUrl === undefined && config.pgliteDataDir === undefined ? freshPgliteDir() : undefined;
  if (pgliteDir !== undefined) config.pgliteDataDir = pgliteDir;
  const logs = new LogCapture();
  const app = await createSampleApp(
    { ...config, logFormat: config.logFormat ?? 'json' },
    { logDestination: logs },
  );
  await app.init();
  await readyForRequests(app);
  const server = app.getHttpServer();
  const http = () => request(server);
  return {
    app,
    logs,
    http,
    async login(username) {
      const password = username === 'admin' ? config.adminPassword : config.alicePassword;
      const res = await http().post('/auth/login').send({ username, password }).expect(200);
      return (res.body as { token: string }).token;
    },
    close: async () => {
      await app.close();
      removePgliteDir(pgliteDir);
    },
  };
}
