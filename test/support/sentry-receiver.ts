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
  waitForEvents(n: number, ms?: number): Promise<Record<string, unknown>[]>;
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
    async waitForEvents(n, ms = 5000) {
      await waitUntil(
        () => events().length >= n,
        ms,
        () => `expected ${n} Sentry events, got ${events().length}`,
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
