import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitUntil } from './support/wait';

const APP = join(__dirname, 'support', 'shutdown-hooks-app.js');

describe("Nest's enableShutdownHooks()", () => {
  it('writes the line of a request answered during the shutdown before the process ends', async () => {
    const child = spawn(process.execPath, [APP], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await waitUntil(
      () => /listening \d+/.test(err),
      60_000,
      () => `the app did not start:\n${out}\n${err}`,
    );
    const port = Number(/listening (\d+)/.exec(err)?.[1]);

    const answer = fetch(`http://127.0.0.1:${port}/slow`, { headers: { 'X-Request-Id': 'in-flight-1' } });
    // The request is in flight: its handler waits for the signal.
    await waitUntil(
      () => /handling/.test(err),
      10_000,
      () => `the request never reached its handler:\n${out}\n${err}`,
    );
    child.kill('SIGTERM');
    const res = await answer;
    expect(res.status).toBe(200);
    // Nest raised the signal again: no exit handler ran.
    expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });

    const lines = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.requestId === 'in-flight-1')).toEqual([
      expect.objectContaining({ msg: 'request completed', status: 200, route: '/slow' }),
    ]);
  }, 90_000);
});
