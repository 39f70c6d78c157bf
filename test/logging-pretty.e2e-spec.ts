import { BadRequestException, Controller, Get, Logger, Query } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { waitUntil } from './support/wait';

/** Text a client crafts to forge lines: every kind of line break, and a terminal escape. */
const FORGED = [
  '\nFORGED-LF',
  '\r\nFORGED-CRLF',
  '\rFORGED-CR',
  '\u2028FORGED-LS',
  '\u001b[2KFORGED-ESC',
].join('');

class CraftedError extends Error {
  constructor(text: string) {
    super(`crafted: ${text}`);
    this.name = 'CraftedError';
    this.cause = new Error(`cause: ${text}`);
  }
}

@Controller()
class PrettyController {
  private readonly nest = new Logger('PrettyController');
  constructor(@InjectPinoLogger('PrettyController') private readonly pino: PinoLogger) {}

  @Get('boom')
  boom(@Query('text') text = ''): never {
    throw new CraftedError(text);
  }

  @Get('bad')
  bad(@Query('text') text = ''): never {
    throw new BadRequestException(`bad input: ${text}`);
  }

  @Get('log')
  log(@Query('text') text = '') {
    this.pino.info(`message ${text}`);
    this.pino.info({ msg: `inline ${text}`, [`key ${text}`]: 1 });
    this.pino.error({ err: new CraftedError(text) }, 'logged error');
    this.nest.error(`nest ${text}`, new CraftedError(text).stack);
    return { ok: true };
  }
}

describe('pretty logs escape what a client crafted', () => {
  let f: FixtureApp;
  const out: string[] = [];

  beforeAll(async () => {
    f = await startFixture([PrettyController], {
      logging: {
        format: 'pretty',
        useAsNestLogger: true,
        destination: { write: (s: string) => void out.push(s) },
      },
    });
  });
  afterAll(() => f.close());

  it('starts no line with crafted text: messages, error messages, stacks and causes, keys', async () => {
    const q = `?text=${encodeURIComponent(FORGED)}`;
    await f.http().get(`/boom${q}`).set('X-Request-Id', 'pretty-boom').expect(500);
    await f.http().get(`/bad${q}`).set('X-Request-Id', 'pretty-bad').expect(400);
    await f.http().get(`/log${q}`).set('X-Request-Id', 'pretty-log').expect(200);
    await f
      .http()
      .get(`/missing/${encodeURIComponent(FORGED)}`)
      .set('X-Request-Id', 'pretty-404')
      .expect(404);
    await waitUntil(
      () =>
        ['pretty-boom', 'pretty-bad', 'pretty-log', 'pretty-404'].every((id) => out.join('').includes(id)),
      10_000,
      () => `request lines missing; got:\n${out.join('')}`,
    );
    const text = out.join('');
    // The crafted text is there, escaped, in every place it was put.
    expect(text).toContain('crafted: \\u000aFORGED-LF\\u000d\\u000aFORGED-CRLF');
    expect(text).toContain('cause: \\u000aFORGED-LF');
    expect(text).toContain('message \\u000aFORGED-LF');
    expect(text).toContain('inline \\u000aFORGED-LF');
    expect(text).toContain('key \\u000aFORGED-LF');
    expect(text).toContain('nest \\u000aFORGED-LF');
    // No line begins with it, however indented; no line break or escape of its own survives.
    const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/);
    for (const line of lines) expect(line.trimStart().replace('\u001b[2K', '')).not.toMatch(/^FORGED/);
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u2028');
    // Stacks still read as stacks: frames on lines of their own.
    expect(lines.some((l) => /^\s+at .*PrettyController\.boom/.test(l))).toBe(true);
  });
});
