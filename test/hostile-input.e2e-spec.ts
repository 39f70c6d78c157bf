import { createHash, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { Client } from 'pg';
import {
  FAKE_SECRETS,
  leaksPartOf,
  type FakeSecret,
} from '../libs/error-handling/src/redaction/secret-fixtures.testing';
import { processCpuMs } from '../libs/error-handling/src/kernel/cpu-time.testing';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startSampleProcess, type JsonLine, type SampleProcess } from './support/sample-process';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';
import { itWith, serviceState, TEST_DATABASE_URL } from './support/services';
import { waitUntil } from './support/wait';
import { onFastify } from './support/http-adapter';

/**
 * Hostile input against the built sample app in production mode (a real process, JSON logs,
 * PostgreSQL when it answers, Sentry, a webhook and a Slack peer):
 *
 * - the input families that once made the redactor quadratic, 8 KB a field, in a body, a path, a
 *   header and a query value: each answer (and its log line) costs the app a bounded CPU time, and
 *   `/health` answers while four of them are in flight;
 * - fake secrets of every detected format, and values under sensitive keys and in free text,
 *   sent through every input channel, never reach a log line, a response body, an audit row, an
 *   alert or a Sentry envelope (each of which is first shown to exist and to hold the redacted
 *   request).
 */
jest.setTimeout(60_000);

/** Characters of each hostile field, header, path and query value. */
const FIELD = 8 * 1024;
/**
 * Most CPU time the app's process may spend on one hostile request, from sending it until its
 * request line is written. Quadratic detectors took seconds of CPU on these inputs; a linear
 * pipeline takes a few milliseconds. CPU time, not the clock: a loaded machine makes a request
 * wait for a core, not work more, so the bound holds however busy CI is.
 */
const BUDGET_MS = 1000;
/** Most CPU time for four hostile requests in flight and `/health` beside them. */
const PROBE_BUDGET_MS = 2000;
/** Fields of a hostile body. */
const BODY_FIELDS = 12;

function repeatTo(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** The input families, each `n` characters long. */
const FAMILIES: readonly (readonly [string, (n: number) => string])[] = [
  ['0000000000000- repeated', (n) => repeatTo('0000000000000-', n)],
  ['-eyJ repeated', (n) => repeatTo('-eyJ', n)],
  ['= then ? repeated', (n) => `=${'?'.repeat(n - 1)}`],
  ['a long digit run', (n) => repeatTo('1234567890', n)],
  // Random, not `fill()`: a periodic run could hold pieces of the canaries below by chance.
  [
    'a long base64url run',
    (n) =>
      randomBytes(Math.ceil((n * 3) / 4))
        .toString('base64url')
        .slice(0, n),
  ],
  ['%XX escapes', (n) => repeatTo('%41', n)],
  ['percent-encoded JWT fragments', (n) => repeatTo('%20eyJhbGci%2E', n)],
  [':// and @ repeated', (n) => repeatTo('a://:@', n)],
  ['a URL authority of @', (n) => `https://u:${'@'.repeat(n - 10)}`],
  ['Bearer repeated', (n) => repeatTo('Bearer ', n)],
  ['-----BEGIN repeated', (n) => repeatTo('-----BEGIN ', n)],
  ['card-like digit groups', (n) => repeatTo('4111 1111 ', n)],
  ["key=' repeated (open quotes)", (n) => repeatTo("password='", n)],
  ['key: repeated', (n) => repeatTo('secret:', n)],
];

// --- Canaries ------------------------------------------------------------------------------

const join = (...parts: string[]): string => parts.join('');

/**
 * `n` letters and digits derived from `seed` by SHA-256: unlike the fixtures' `fill()`, whose
 * output repeats with a shift from seed to seed, no two canaries share a 12-character piece.
 */
function chars(seed: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) {
    out += createHash('sha256')
      .update(`${seed}/${i}`)
      .digest('base64')
      .replace(/[^A-Za-z0-9]/g, '');
  }
  return out.slice(0, n);
}

/** A secret sent somewhere, and the part of it that must never come out. */
interface Canary {
  label: string;
  text: string;
  secret: string;
}

const token = (label: string, text: string): Canary => ({ label, text, secret: text });

/** The formats the fixtures do not have yet. */
const MORE_TOKENS: Canary[] = [
  token('a GitHub user-to-server token', join('gh', 'u_', chars('ghu', 36))),
  token('a GitHub refresh token', join('gh', 'r_', chars('ghr', 36))),
  token('a Stripe restricted live key', join('rk', '_live_', chars('rk', 24))),
  token('a Stripe secret live key, 99 long', join('sk', '_live_', chars('sk', 99))),
];

/** Values that only their key marks as secret, written as free text (libpq, YAML, JSON, a form). */
const kv = (seed: string) => join('Canary', chars(seed, 14));
const FREE_TEXT: Canary[] = [
  ((s) => ({
    label: 'a libpq password',
    text: `connection failed: host=db user=app password=${s} dbname=x`,
    secret: s,
  }))(kv('libpq')),
  ((s) => ({ label: "'secret: …'", text: `secret: ${s}`, secret: s }))(kv('yaml')),
  ((s) => ({ label: "'api_key=…'", text: `request rejected api_key=${s}`, secret: s }))(kv('api_key')),
  ((s) => ({ label: 'a quoted JSON member', text: `bad payload {"password":"${s}"}`, secret: s }))(
    kv('json'),
  ),
  ((s) => ({ label: 'user[password]=… in a form', text: `user[name]=ann&user[password]=${s}`, secret: s }))(
    kv('form'),
  ),
];

const CANARIES: Canary[] = [
  ...FAKE_SECRETS.map((f: FakeSecret) => ({ label: f.label, text: f.text, secret: f.secret })),
  ...MORE_TOKENS,
  ...FREE_TEXT,
];

/**
 * Tokens placed across a length limit: the audit row's user agent (512 characters) and the
 * scan window of a long string (`maxStringLength` 8192 + 16 KiB look-ahead), 20 of their
 * characters before it. A cut made before the redactor runs, or a window that ends inside a
 * token, must not leave the first part of the token readable.
 */
const ACROSS_AGENT_CUT = token('a GitHub token across the user agent cut', join('gh', 's_', chars('ua', 36)));
const ACROSS_SCAN_WINDOW = token('a GitHub token across the scan window', join('gh', 'p_', chars('win', 36)));
const agentAcrossCut = (() => {
  const head = 'canary-agent/1.0 ';
  return `${head}${'x'.repeat(512 - 20 - head.length - 1)} ${ACROSS_AGENT_CUT.text} (compatible)`;
})();
/** A PEM block that the redactor shrinks to its censor, then a token across the end of the scan window. */
const pastLongPem = (() => {
  const pem = join(
    '-----BEGIN ',
    'PRIVATE KEY-----\n',
    chars('pem', 24_000),
    '\n-----END ',
    'PRIVATE KEY-----',
  );
  const windowEnd = 8192 + 16_384;
  return `${pem}${' '.repeat(windowEnd - 20 - pem.length)}${ACROSS_SCAN_WINDOW.text} and more text`;
})();

/** Values of sensitive query keys in the forms a query parser reads as nested or split. */
const QUERY_KEYED: Canary[] = [
  { label: 'user[password]=', text: '', secret: kv('q1') },
  { label: 'password[]=', text: '', secret: kv('q2') },
  { label: ';token=', text: '', secret: kv('q3') },
  { label: 'q=token%3D… (a pair inside a value)', text: '', secret: kv('q4') },
];
const keyedQuery = [
  `user[password]=${QUERY_KEYED[0].secret}`,
  `password[]=${QUERY_KEYED[1].secret}`,
  `page=2;token=${QUERY_KEYED[2].secret}`,
  `q=${encodeURIComponent(`token=${QUERY_KEYED[3].secret}`)}`,
].join('&');

/** A card number sent as a JSON number under an innocent key. */
const CARD_NUMBER = 4111111111111111;

const ALL_SECRETS: Canary[] = [
  ...CANARIES,
  ...QUERY_KEYED,
  ACROSS_AGENT_CUT,
  ACROSS_SCAN_WINDOW,
  { label: 'a card number as a JSON number', text: '', secret: String(CARD_NUMBER) },
];

/** Headers cannot hold line breaks: the PEM block is sent on one line. */
const oneLine = (text: string) => text.replace(/\n/g, ' ');
/** `text <secret> end`, percent-encoded, as a query value. */
const inText = (text: string) => `text%20${encodeURIComponent(text)}%20end`;

/** Where in `out` a canary shows: whole, percent-encoded or by any 12-character piece; -1 if nowhere. */
function findCanary(out: string, c: Canary): number {
  for (const form of [c.secret, encodeURIComponent(c.secret)]) {
    const at = out.indexOf(form);
    if (at !== -1) return at;
  }
  if (!leaksPartOf(out, c.secret, 12)) return -1;
  for (let i = 0; i + 12 <= c.secret.length; i++) {
    const at = out.indexOf(c.secret.slice(i, i + 12));
    if (at !== -1) return at;
  }
  return -1;
}

/** The canaries found in `out`, each with the text around where it shows. */
function leaked(out: string, secrets: readonly Canary[] = ALL_SECRETS): string[] {
  return secrets.flatMap((c) => {
    const at = findCanary(out, c);
    return at === -1 ? [] : [`${c.label}: …${out.slice(Math.max(0, at - 160), at + 80)}…`];
  });
}

// --- Talking to the app ----------------------------------------------------------------------

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  requestId: string;
  /** When the request was started (performance.now()). */
  startedAt: number;
  /** Until the whole answer was read, in ms. */
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One request through node:http, so the path goes out exactly as written (no URL parser in
 * between) and a GET can carry a body.
 */
function send(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const req = httpRequest({ hostname, port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
          requestId: String(res.headers['x-request-id'] ?? ''),
          startedAt,
          ms: performance.now() - startedAt,
        }),
      );
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path.slice(0, 80)}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The app's JSON lines by request id, as they arrive on stdout, with when each arrived. */
class LineIndex {
  private partial = '';
  private readonly byId = new Map<string, { line: JsonLine; at: number }[]>();
  private readonly listeners = new Set<() => void>();

  constructor(app: SampleProcess) {
    // A character of several bytes can be split between two chunks.
    const decoder = new StringDecoder('utf8');
    app.child.stdout?.on('data', (d: Buffer) => this.feed(decoder.write(d)));
  }

  /** The lines of request `id` so far. */
  of(id: string): JsonLine[] {
    return (this.byId.get(id) ?? []).map((e) => e.line);
  }

  /**
   * Waits (event-driven, up to `ms`) for a line of request `id` that matches `predicate`;
   * returns it and when it arrived.
   */
  waitFor(
    id: string,
    predicate: (line: JsonLine) => boolean,
    ms = 20_000,
  ): Promise<{ line: JsonLine; at: number }> {
    const find = () => (this.byId.get(id) ?? []).find((e) => predicate(e.line));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(`no matching line for request ${id} within ${ms} ms; its lines: ${this.describe(id)}`),
        );
      }, ms);
      const check = () => {
        const hit = find();
        if (!hit) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(hit);
      };
      this.listeners.add(check);
    });
  }

  private describe(id: string): string {
    return JSON.stringify(this.of(id)).slice(0, 2000);
  }

  private feed(chunk: string): void {
    const at = performance.now();
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    let added = false;
    for (const text of lines) {
      if (!text.startsWith('{')) continue;
      let line: JsonLine;
      try {
        line = JSON.parse(text) as JsonLine;
      } catch {
        continue;
      }
      const id = typeof line.requestId === 'string' ? line.requestId : undefined;
      if (id === undefined) continue;
      let list = this.byId.get(id);
      if (!list) this.byId.set(id, (list = []));
      list.push({ line, at });
      added = true;
    }
    if (added) for (const listener of [...this.listeners]) listener();
  }
}

const isRequestLine = (line: JsonLine) =>
  typeof line.msg === 'string' && /^request (failed|completed)$/.test(line.msg);

// --- The suite -------------------------------------------------------------------------------

describe('hostile input against the built sample app (production, JSON logs)', () => {
  const postgres = serviceState('postgres').up;
  let sentry: SentryReceiver;
  let webhook: HttpPeer;
  let slack: HttpPeer;
  let app: SampleProcess;
  let lines: LineIndex;
  const timings: string[] = [];

  const call = (
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ) => send(app.baseUrl, method, path, options);

  beforeAll(async () => {
    [sentry, webhook, slack] = await Promise.all([
      startSentryReceiver('7'),
      startHttpPeer(),
      startHttpPeer(),
    ]);
    app = await startSampleProcess({
      LOG_FORMAT: 'json',
      LOG_REQUEST_DETAILS: 'all-errors',
      DEMO_FAULTS: '1',
      BODY_LIMIT: '1mb',
      SENTRY_DSN: sentry.dsn,
      ALERT_WEBHOOK_URL: webhook.url,
      SLACK_WEBHOOK_URL: slack.url,
      // PostgreSQL when it answers (its audit rows are then read back below), else PGlite.
      DATABASE_URL: postgres ? TEST_DATABASE_URL : '',
      REDIS_URL: '',
    });
    lines = new LineIndex(app);
  }, 60_000);

  afterAll(async () => {
    if (timings.length > 0) process.stdout.write(`hostile input timings:\n${timings.join('\n')}\n`);
    agent.destroy();
    await app?.stop();
    await Promise.all([sentry?.close(), webhook?.close(), slack?.close()]);
  });

  describe('the input families that made the redactor quadratic', () => {
    /** One hostile request of each channel for `family`; `value` is FIELD characters long. */
    const channels = (value: string) => ({
      body: () =>
        call('POST', '/notifications', {
          body: Object.fromEntries(Array.from({ length: BODY_FIELDS }, (_, i) => [`field${i}`, value])),
        }),
      // A request line holds no spaces: `%20` in a path, `+` in a query.
      path: () => call('GET', `/hostile/${value.replace(/ /g, '%20').slice(0, FIELD)}`),
      header: () => call('GET', '/demo/throw?kind=object', { headers: { 'x-hostile': value } }),
      query: () => call('GET', `/demo/throw?kind=object&q=${value.replace(/ /g, '+')}`),
    });
    const expected = { body: [401], path: [404, 400], header: [500], query: [500] };

    beforeAll(async () => {
      // Warm the routes up with ordinary values, so the first family does not pay for the JIT.
      for (let i = 0; i < 3; i++) {
        for (const [channel, run] of Object.entries(channels(repeatTo('ordinary text ', FIELD)))) {
          const res = await run();
          expect({ channel, status: res.status }).toEqual({
            channel,
            status: expected[channel as keyof typeof expected][0],
          });
          await lines.waitFor(res.requestId, isRequestLine);
        }
      }
    });

    it.each(FAMILIES.map(([name, make]) => [name, make] as const))(
      '%s: a body, a path, a header and a query value are each answered and logged within the budget',
      async (name, make) => {
        const value = make(FIELD);
        expect(value.length).toBe(FIELD);
        const measured: Record<
          string,
          { status: number; cpuMs: number; answeredMs: number; loggedMs: number }
        > = {};
        for (const [channel, run] of Object.entries(channels(value))) {
          const cpuBefore = processCpuMs(app.child.pid);
          const res = await run();
          // The request line proves the whole input went through the redactor (it logs the
          // redacted request): it must not lag behind the answer either.
          const logged = await lines.waitFor(res.requestId, isRequestLine);
          measured[channel] = {
            status: res.status,
            cpuMs: processCpuMs(app.child.pid) - cpuBefore,
            answeredMs: Math.round(res.ms * 10) / 10,
            loggedMs: Math.round((logged.at - res.startedAt) * 10) / 10,
          };
          expect((logged.line as { request?: unknown }).request).toBeDefined();
        }
        timings.push(
          `  ${name.padEnd(34)} ${Object.entries(measured)
            .map(([c, m]) => `${c} ${m.answeredMs} ms (logged ${m.loggedMs} ms, CPU ${m.cpuMs} ms)`)
            .join(', ')}`,
        );
        for (const [channel, m] of Object.entries(measured)) {
          expect({ channel, status: m.status, expected: expected[channel as keyof typeof expected] }).toEqual(
            {
              channel,
              status: m.status,
              expected: expect.arrayContaining([m.status]),
            },
          );
          expect({ channel, withinBudget: m.cpuMs < BUDGET_MS, ...m }).toMatchObject({ withinBudget: true });
        }
      },
    );

    it('answers GET /health while four hostile requests are in flight', async () => {
      const heavy = FAMILIES.slice(0, 4).map(([, make]) => channels(make(FIELD)).body);
      const cpuBefore = processCpuMs(app.child.pid);
      const hostile = heavy.map((run) => run());
      const health = await call('GET', '/health');
      const answers = await Promise.all(hostile);
      await Promise.all(answers.map((a) => lines.waitFor(a.requestId, isRequestLine)));
      const cpuMs = processCpuMs(app.child.pid) - cpuBefore;
      timings.push(
        `  /health with 4 hostile bodies in flight: ${health.ms.toFixed(1)} ms ` +
          `(the bodies: ${answers.map((a) => `${a.ms.toFixed(1)} ms`).join(', ')}; CPU ${cpuMs} ms in all)`,
      );
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
      expect(health.status).toBe(200);
      expect(cpuMs).toBeLessThan(PROBE_BUDGET_MS);
      // The hostile requests were sent first and were still in flight when /health was sent.
      expect(Math.min(...answers.map((a) => a.startedAt + a.ms))).toBeGreaterThan(health.startedAt);
    });
  });

  describe('secrets of every format, through every input channel', () => {
    const bodies: string[] = [];
    /** Requests answered 401 by the audited routes, whose audit rows are read back. */
    const audited: { requestId: string; action: string }[] = [];
    /** Every request that carried canaries. */
    const sent: string[] = [];
    let boom: Answer;
    let thrown: Answer;
    let edge: Answer;

    beforeAll(async () => {
      for (const [i, c] of CANARIES.entries()) {
        const header = oneLine(c.text);
        const headers = { 'x-note': header, 'user-agent': `canary-agent ${header}` };
        // A body field with an innocent key (the audited route keeps the body of a 401), a
        // header, the user agent (kept by the audit row) and a query value in text.
        const created = await call('POST', `/notifications?q=${inText(c.text)}&${keyedQuery}`, {
          headers,
          body: {
            title: 'ordinary',
            note: `before ${c.text} after`,
            nested: { list: [c.text] },
            amount: CARD_NUMBER,
          },
        });
        // A path segment (the audited route keeps it as the resource id).
        const read = await call('POST', `/notifications/${encodeURIComponent(c.text)}/read?n=${i}`, {
          headers,
        });
        // A path on a 404: percent-encoded, and as it is where a path can hold it.
        const missing = await call('GET', `/nowhere/${encodeURIComponent(c.text)}?q=${inText(c.text)}`, {
          headers,
        });
        const answers = [created, read, missing];
        if (/^[\x21-\x7e]+$/.test(c.text) && !/[?#%]/.test(c.text)) {
          answers.push(await call('GET', `/nowhere/raw/${c.text}`));
        }
        expect(answers.map((a) => a.status)).toEqual([401, 401, 404, 404].slice(0, answers.length));
        audited.push(
          { requestId: created.requestId, action: 'NOTIFICATION_CREATE' },
          { requestId: read.requestId, action: 'NOTIFICATION_MARK_READ' },
        );
        for (const a of answers) {
          bodies.push(a.text);
          sent.push(a.requestId);
        }
      }
      // Tokens across a length limit: the audit row's user agent, a string's scan window.
      edge = await call('POST', '/notifications', {
        headers: { 'user-agent': agentAcrossCut },
        body: { title: 'ordinary', long: pastLongPem },
      });
      expect(edge.status).toBe(401);
      audited.push({ requestId: edge.requestId, action: 'NOTIFICATION_CREATE' });
      bodies.push(edge.text);
      sent.push(edge.requestId);
      // Unexpected failures, so that alerts and Sentry events are sent: every canary at once,
      // in headers, query values and a body of /demo/boom, and in the message of /demo/throw.
      boom = await call(
        'GET',
        `/demo/boom?${CANARIES.map((c, i) => `q${i}=${inText(c.text)}`).join('&')}&${keyedQuery}`,
        {
          headers: {
            ...Object.fromEntries(CANARIES.map((c, i) => [`x-note-${i}`, oneLine(c.text)])),
            'user-agent': agentAcrossCut,
          },
          body: {
            ...Object.fromEntries(CANARIES.map((c, i) => [`note${i}`, `before ${c.text} after`])),
            amount: CARD_NUMBER,
            long: pastLongPem,
          },
        },
      );
      thrown = await call(
        'GET',
        `/demo/throw?kind=${encodeURIComponent(CANARIES.map((c) => c.text).join(' | '))}`,
      );
      expect([boom.status, thrown.status]).toEqual([500, 500]);
      for (const a of [boom, thrown]) {
        bodies.push(a.text);
        sent.push(a.requestId);
      }
    }, 60_000);

    it('keeps them out of every log line, and logs each request with its redacted details', async () => {
      for (const id of sent) {
        const { line } = await lines.waitFor(id, isRequestLine);
        // The request's details are on the line, the secrets in them replaced.
        expect(JSON.stringify(line)).toContain('[REDACTED]');
      }
      const boomLine = lines.of(boom.requestId).find(isRequestLine) as JsonLine & {
        request: {
          headers: Record<string, string>;
          query: Record<string, unknown>;
          body: Record<string, string>;
        };
      };
      expect(boomLine.request.headers['x-note-0']).toContain('[REDACTED]');
      // Fastify reads no body of a GET (so none of its secrets can reach the line); Express does.
      if (onFastify) expect(boomLine.request.body).toBeNull();
      else expect(boomLine.request.body.note0).toMatch(/^before .*\[REDACTED\].* after$/);
      // Express 5 (and Fastify) read the query flat: bracketed keys stay whole, `;` splits nothing.
      expect(boomLine.request.query).toMatchObject({
        'user[password]': '[REDACTED]',
        'password[]': '[REDACTED]',
        page: '2;token=[REDACTED]',
        q: 'token=[REDACTED]',
      });
      const thrownLine = lines.of(thrown.requestId).find(isRequestLine) as JsonLine & {
        err: { message: string };
      };
      expect(thrownLine.err.message).toMatch(/^unknown kind: .*\[REDACTED\]/);
      const everything = `${app.stdout()}\n${app.stderr()}`;
      expect(leaked(everything)).toEqual([]);
    });

    it('keeps them out of every response body', () => {
      expect(bodies).toHaveLength(sent.length);
      expect(bodies.every((b) => b.startsWith('{'))).toBe(true);
      expect(leaked(bodies.join('\n'))).toEqual([]);
    });

    it('keeps them out of the alerts sent to the webhook and to Slack', async () => {
      const forRequest = (peer: HttpPeer, id: string) => () => peer.received.some((r) => r.raw.includes(id));
      for (const peer of [webhook, slack]) {
        for (const id of [boom.requestId, thrown.requestId]) {
          await waitUntil(
            forRequest(peer, id),
            20_000,
            () => `no alert for ${id} at ${peer.url}; got ${peer.received.map((r) => r.raw).join('\n')}`,
          );
        }
      }
      const alert = webhook.received.find((r) => r.json.requestId === boom.requestId)?.json as {
        request: string;
      };
      expect(alert.request).toContain('"x-note-0": "');
      expect(alert.request).toContain('[REDACTED]');
      const thrownAlert = webhook.received.find((r) => r.json.requestId === thrown.requestId)?.json as {
        message: string;
      };
      expect(thrownAlert.message).toMatch(/^unknown kind: .*\[REDACTED\]/);
      const everything = [...webhook.received, ...slack.received].map((r) => r.raw).join('\n');
      expect(leaked(everything)).toEqual([]);
    });

    it('keeps them out of the Sentry envelopes', async () => {
      const events = await sentry.waitForEvent(
        (e) => (e.tags as { requestId?: string } | undefined)?.requestId === thrown.requestId,
      );
      const event = events.find((e) => (e.tags as { requestId?: string }).requestId === thrown.requestId);
      const value = (event?.exception as { values: { value: string }[] }).values[0].value;
      expect(value).toMatch(/^unknown kind: .*\[REDACTED\]/);
      expect(leaked(sentry.raw.join('\n'))).toEqual([]);
    });

    itWith('postgres')('keeps them out of the audit rows stored in PostgreSQL', async () => {
      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      await pg.connect();
      try {
        const ids = audited.map((a) => a.requestId);
        let rows: Record<string, unknown>[] = [];
        await waitUntil(
          async () => {
            rows = (
              await pg.query('SELECT * FROM faultline_audit_events WHERE request_id = ANY($1::text[])', [ids])
            ).rows as Record<string, unknown>[];
            return audited.every((a) =>
              rows.some((r) => r.request_id === a.requestId && r.action === a.action),
            );
          },
          20_000,
          () => `audit rows missing; got ${rows.length} for ${ids.length} requests`,
          100,
        );
        // Each audited attempt is there, with its redacted body, resource id and user agent.
        const edgeRow = rows.find((r) => r.request_id === edge.requestId) as Record<string, unknown>;
        expect((edgeRow.data as { body: { long: string } }).body.long).toMatch(/^\[REDACTED\]/);
        expect(edgeRow.user_agent).toMatch(/^canary-agent\/1\.0 x+ /);
        const creates = rows.filter((r) => r.action === 'NOTIFICATION_CREATE' && r !== edgeRow);
        expect(creates).toHaveLength(CANARIES.length);
        for (const row of creates) {
          const data = row.data as { body: { note: string; nested: { list: string[] }; amount: unknown } };
          expect(row.outcome).toBe('failure');
          expect(data.body.note).toMatch(/^before .*\[REDACTED\].* after$/);
          expect(data.body.amount).toBe('[REDACTED]');
          expect(row.user_agent).toMatch(/^canary-agent .*\[REDACTED\]/);
        }
        const reads = rows.filter((r) => r.action === 'NOTIFICATION_MARK_READ');
        expect(reads).toHaveLength(CANARIES.length);
        for (const row of reads) expect(row.resource_id).toContain('[REDACTED]');
        expect(leaked(JSON.stringify(rows))).toEqual([]);
      } finally {
        await pg.end();
      }
    });
  });
});
