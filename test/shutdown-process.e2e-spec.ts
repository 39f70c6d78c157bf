import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSampleProcess, type SampleProcess } from './support/sample-process';
import { sleep } from './support/wait';

/** GET without keep-alive, so every probe is a new connection like a kubelet's. */
async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { connection: 'close' } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('graceful shutdown of the built sample app', () => {
  let dataDir: string;
  let app: SampleProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'faultline-shutdown-'));
  });

  afterAll(async () => {
    if (app && app.child.exitCode === null) await app.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on SIGTERM answers /ready 503 at once, keeps /health 200, lets the slow request finish, stores the audit events, and exits 0', async () => {
    app = await startSampleProcess({
      DEMO_FAULTS: '1',
      PGLITE_DATA_DIR: dataDir,
      SHUTDOWN_GRACE_MS: '10000',
      LOG_FORMAT: 'json',
    });
    const base = app.baseUrl;
    expect((await get(`${base}/ready`)).status).toBe(200);

    const slow = fetch(`${base}/demo/slow?ms=2500`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await sleep(300);
    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    await sleep(100);

    const ready = await get(`${base}/ready`);
    expect(ready).toEqual({ status: 503, body: { status: 'shutting_down' } });
    expect(await get(`${base}/health`)).toEqual({ status: 200, body: { status: 'ok' } });

    // A request that arrives during the drain is served, and its audit event is kept.
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    });
    expect(login.status).toBe(200);
    const loginRequestId = login.headers.get('x-request-id');

    let slowDone = false;
    void slow.then(() => (slowDone = true));
    while (!slowDone) {
      let probes: [number, number];
      try {
        probes = [(await get(`${base}/health`)).status, (await get(`${base}/ready`)).status];
      } catch {
        // The server closes as soon as the slow request is answered, so a probe sent in the moment
        // between that answer and the client seeing it is refused or reset. Anything earlier is a
        // failure: the slow request must then be done right after.
        await Promise.race([slow, sleep(1000)]);
        expect(slowDone).toBe(true);
        break;
      }
      expect(probes).toEqual([200, 503]);
      await sleep(200);
    }
    expect(await slow).toEqual({ status: 200, body: { sleptMs: 2500 } });
    const slowDoneAt = Date.now();

    expect(await app.exited).toBe(0);
    // Exited as soon as the slow request was done, well before the 10 s grace period ran out:
    // the slow request's keep-alive connection (fetch keeps connections alive), idle by then,
    // did not hold the process open until the server's 5 s keep-alive timeout.
    expect(Date.now() - slowDoneAt).toBeLessThan(2000);
    expect(Date.now() - signalledAt).toBeLessThan(6000);
    const out = app.stdout();
    expect(out).toContain('readiness turned false: shutting down');
    expect(out).not.toContain('event kept in the log only');

    const db = await PGlite.create(dataDir);
    try {
      const { rows } = await db.query<{ action: string }>(
        'SELECT action FROM faultline_audit_events WHERE request_id = $1',
        [loginRequestId],
      );
      expect(rows.map((r) => r.action)).toEqual(['LOGIN_SUCCESS']);
    } finally {
      await db.close();
    }
  }, 60_000);
});
