import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitUntil } from './wait';

/** One item of an envelope: its header and its payload. */
export interface EnvelopeItem {
  type: string;
  payload: Record<string, unknown>;
}

/** A local stand-in for Sentry's ingest: keeps every envelope posted to `/api/<project>/envelope/`. */
export interface SentryReceiver {
  dsn: string;
  /** Every envelope body, as received (decompressed). */
  raw: string[];
  /** Items of type `event`. */
  events(): Record<string, unknown>[];
  /** Waits (up to `ms`, default 20 s) until `n` events have arrived; returns every event. */
  waitForEvents(n: number, ms?: number): Promise<Record<string, unknown>[]>;
  /**
   * Waits (up to `ms`, default 20 s) until an event matching `predicate` has arrived; returns every
   * event. The SDK sends events in the order they were captured, so once a marker event captured
   * last has arrived, every event captured before it has too.
   */
  waitForEvent(
    predicate: (event: Record<string, unknown>) => boolean,
    ms?: number,
  ): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1; the DSN is `http://publickey@127.0.0.1:<port>/<project>`. */
export async function startSentryReceiver(project = '42'): Promise<SentryReceiver> {
  const raw: string[] = [];
  const items: EnvelopeItem[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (req.url?.startsWith(`/api/${project}/envelope/`)) {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const text = body.toString();
        raw.push(text);
        const lines = text.split('\n').filter((l) => l !== '');
        for (let i = 1; i + 1 < lines.length; i += 2) {
          const header = JSON.parse(lines[i]) as { type: string };
          items.push({ type: header.type, payload: JSON.parse(lines[i + 1]) as Record<string, unknown> });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const events = () => items.filter((i) => i.type === 'event').map((i) => i.payload);
  return {
    dsn: `http://publickey@127.0.0.1:${port}/${project}`,
    raw,
    events,
    async waitForEvents(n, ms = 20_000) {
      await waitUntil(
        () => events().length >= n,
        ms,
        () => `expected ${n} Sentry events within ${ms} ms, got ${events().length}`,
        20,
      );
      return events();
    },
    async waitForEvent(predicate, ms = 20_000) {
      await waitUntil(
        () => events().some(predicate),
        ms,
        () => `no matching Sentry event within ${ms} ms; got:\n${JSON.stringify(events(), null, 2)}`,
        20,
      );
      return events();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
