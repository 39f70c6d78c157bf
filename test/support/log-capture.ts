import { waitUntil } from './wait';

/** One JSON log line as written by pino. */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string; requestId?: string };

/** pino levels by name. */
export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** A pino destination that keeps every line, parsed, for assertions on what was logged. */
export class LogCapture {
  /** Every line as written. */
  readonly raw: string[] = [];
  /** Every line, parsed. */
  readonly lines: LogRecord[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as LogRecord);
    }
  }

  /** Lines carrying a request id. */
  forRequest(requestId: string): LogRecord[] {
    return this.lines.filter((l) => l.requestId === requestId);
  }

  /**
   * Waits until `predicate` holds for the lines, then returns them. The bound only matters when
   * the line never comes: it is generous, so a busy machine does not fail the test.
   */
  async waitFor(predicate: (lines: LogRecord[]) => boolean, timeoutMs = 10_000): Promise<LogRecord[]> {
    await waitUntil(
      () => predicate(this.lines),
      timeoutMs,
      () => `log lines never matched within ${timeoutMs} ms; got:\n${this.raw.join('\n')}`,
    );
    return this.lines;
  }

  /** Waits for the request line of `requestId` and returns every line of that request. */
  async request(requestId: string, timeoutMs?: number): Promise<LogRecord[]> {
    await this.waitFor(
      (lines) => lines.some((l) => l.requestId === requestId && /^request /.test(String(l.msg))),
      timeoutMs,
    );
    return this.forRequest(requestId);
  }
}
