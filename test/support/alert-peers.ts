import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from './wait';

/** One request an HTTP peer received. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  json: Record<string, unknown>;
}

/** A local HTTP server standing in for Slack or a webhook receiver. */
export interface HttpPeer {
  url: string;
  received: ReceivedRequest[];
  /** Waits (up to `ms`) until at least `n` requests arrived. */
  waitFor(n: number, ms?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** How the peer answers: a status, after a delay, or never. */
export interface HttpPeerBehaviour {
  status?: number;
  delayMs?: number;
  never?: boolean;
}

/** Starts an HTTP peer on 127.0.0.1 that records every request. */
export async function startHttpPeer(behaviour: HttpPeerBehaviour = {}): Promise<HttpPeer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        json = {};
      }
      received.push({ path: req.url ?? '', headers: req.headers, raw, json });
      if (behaviour.never) return;
      setTimeout(() => {
        res.writeHead(behaviour.status ?? 200, { 'content-type': 'text/plain' });
        res.end('ok');
      }, behaviour.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook/secret-path`,
    received,
    waitFor: (n, ms = 5000) =>
      arrived(
        () => received.length >= n,
        ms,
        () => received,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One mail the SMTP peer received. */
export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  /** Header lines, as received. */
  headers: string;
  subject: string;
  /** The body with quoted-printable soft breaks and escapes decoded. */
  body: string;
}

/** A local SMTP server (smtp-server) that keeps every mail. */
export interface SmtpPeer {
  url: string;
  mails: ReceivedMail[];
  waitFor(n: number, ms?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Starts an SMTP peer on 127.0.0.1, no TLS, no authentication. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        const split = raw.indexOf('\r\n\r\n');
        const headers = raw.slice(0, split);
        const unfolded = headers.replace(/\r\n[ \t]+/g, ' ');
        const subject = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
        const body = raw
          .slice(split + 4)
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          headers,
          subject,
          body,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitFor: (n, ms = 5000) =>
      arrived(
        () => mails.length >= n,
        ms,
        () => mails,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `done` holds, then returns `value()`; past `ms`, fails showing what arrived. */
async function arrived<T>(done: () => boolean, ms: number, value: () => T): Promise<T> {
  await waitUntil(done, ms, () => `timed out after ${ms} ms; got ${JSON.stringify(value())}`);
  return value();
}
