import { Controller, Get } from '@nestjs/common';
import { startFixture, type FixtureApp } from './support/fixture-app';

@Controller()
class CapsController {
  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }
}

/** A JWT-shaped secret: the redactor's detector replaces it whole. */
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
/** Pieces of the secrets that must not come out, however the text is cut. */
const PIECES = ['eyJhbGci', 'eyJzdWIi', 'c2lnbmF0', 'TOPSECRET'];

describe('request lines cap what a client sends: url, header and query values, error messages', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([CapsController], { logging: { requestDetails: 'all-errors' } });
  });
  afterAll(() => f.close());

  const lineOf = async (id: string) =>
    (await f.pino.request(id)).find((l) => /^request /.test(String(l.msg))) as Record<string, unknown>;

  it('cuts a 6 KB URL to 2048 characters with a marker, and the 404 message that repeats it', async () => {
    const path = `/nowhere/${'a'.repeat(6 * 1024)}`;
    await f.http().get(path).set('X-Request-Id', 'caps-url').expect(404);
    const line = await lineOf('caps-url');
    const url = line.url as string;
    expect(url).toBe(`${path.slice(0, 2048)}…[${path.length - 2048} more chars]`);
    const message = (line.err as { message: string }).message;
    expect(message.length).toBeLessThan(2048 + 30);
    expect(message).toMatch(/^Cannot GET \/nowhere\/a+…\[\d+ more chars\]$/);
    expect(JSON.stringify(line).length).toBeLessThan(6 * 1024);
  });

  it('redacts before it cuts: a secret across the cut leaves no part of itself', async () => {
    for (const at of [2030, 2040, 2046]) {
      const id = `caps-secret-${at}`;
      const lead = `/nowhere/${'b'.repeat(at - '/nowhere/'.length)}`;
      await f
        .http()
        .get(`${lead}/${JWT}?token=TOPSECRET${'c'.repeat(40)}&x=${'d'.repeat(4000)}`)
        .set('X-Request-Id', id)
        .expect(404);
      const text = JSON.stringify(await lineOf(id));
      for (const piece of PIECES) expect([at, text.includes(piece)]).toEqual([at, false]);
    }
  });

  it('cuts header and query values of a failure line, after redacting them', async () => {
    const long = 'h'.repeat(5000);
    await f
      .http()
      .get(`/boom?q=${'q'.repeat(5000)}&token=TOPSECRET`)
      .set('X-Request-Id', 'caps-headers')
      .set('X-Long', long)
      .set('X-Forwarded-Note', `${'n'.repeat(2040)} ${JWT}`)
      .expect(500);
    const line = await lineOf('caps-headers');
    const request = line.request as { headers: Record<string, string>; query: Record<string, string> };
    expect(request.headers['x-long']).toBe(`${'h'.repeat(2048)}…[2952 more chars]`);
    expect(request.query.q).toBe(`${'q'.repeat(2048)}…[2952 more chars]`);
    const text = JSON.stringify(line);
    for (const piece of PIECES) expect(text).not.toContain(piece);
  });
});
