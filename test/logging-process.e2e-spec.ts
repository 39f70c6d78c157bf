import { startSampleProcess, type SampleProcess } from './support/sample-process';

describe('the built sample app as a process, LOG_FORMAT=json', () => {
  let app: SampleProcess;
  beforeAll(async () => {
    app = await startSampleProcess({ LOG_FORMAT: 'json', DEMO_FAULTS: '1' });
  }, 30_000);
  afterAll(() => app.stop());

  it('writes only JSON lines to stdout, one error line for a 500 and none for a 4xx', async () => {
    const ok = await fetch(`${app.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    });
    expect(ok.status).toBe(200);
    const unauthorized = await fetch(`${app.baseUrl}/notifications`);
    const boom = await fetch(`${app.baseUrl}/demo/boom`);
    const injected = await fetch(`${app.baseUrl}/nothing/%0d%0a%7B%22level%22%3A60%7D`, {
      headers: { 'user-agent': 'x"}\n{"level":60,"injected":true}'.replace('\n', ' ') },
    });
    expect(injected.status).toBe(404);
    const ids = [unauthorized, boom, injected].map((r) => r.headers.get('x-request-id') as string);
    expect(await app.stop()).toBe(0);

    const lines = app
      .stdout()
      .split('\n')
      .filter((l) => l !== '');
    const parsed = lines.map(
      (l) => JSON.parse(l) as { level: number; requestId?: string; injected?: unknown },
    );
    expect(parsed.some((l) => l.injected !== undefined)).toBe(false);
    const byRequest = (id: string) => parsed.filter((l) => l.requestId === id);
    expect(byRequest(ids[0]).filter((l) => l.level >= 50)).toHaveLength(0);
    expect(byRequest(ids[1]).filter((l) => l.level >= 50)).toHaveLength(1);
    expect(byRequest(ids[2])).toHaveLength(1);
    // Nest's own start-up lines went through pino too.
    expect(parsed.some((l) => (l as { context?: string }).context === 'NestApplication')).toBe(true);
    expect(app.stderr()).toBe('');
  }, 30_000);
});
