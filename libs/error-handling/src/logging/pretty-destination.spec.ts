import { PrettyDestination } from './pretty-destination';

function pretty(): { destination: PrettyDestination; text: () => string; lines: () => string[] } {
  const out: string[] = [];
  const destination = new PrettyDestination(
    { write: (s: string) => void out.push(s) },
    { colorize: false, messageKey: 'msg', errorKey: 'err' },
  );
  const text = () => out.join('');
  return { destination, text, lines: () => text().split(/\r\n|\r|\n|\u2028|\u2029/) };
}

const line = (fields: Record<string, unknown>) => `${JSON.stringify({ level: 30, time: 0, ...fields })}\n`;
const FORGED = '\nFORGED\r\nFORGED\u2028FORGED\u0085FORGED\u009b2KFORGED';

describe('PrettyDestination', () => {
  it('escapes the message, the keys and what JSON leaves raw in values', () => {
    const p = pretty();
    p.destination.write(
      line({
        msg: `hello${FORGED}`,
        [`key${FORGED}`]: 1,
        note: `value${FORGED}`,
        nested: { [`k${FORGED}`]: [FORGED] },
      }),
    );
    for (const l of p.lines()) expect(l.trimStart()).not.toMatch(/^FORGED/);
    expect(p.text()).toContain(
      'hello\\u000aFORGED\\u000d\\u000aFORGED\\u2028FORGED\\u0085FORGED\\u009b2KFORGED',
    );
    expect(p.text()).not.toMatch(/[\u0085\u009b\u2028\r]/);
  });

  it('keeps the frames of a stack on their own lines and escapes its head, causes included', () => {
    const p = pretty();
    const stack = `Error: boom${FORGED}\n    at handler (app.js:1:1)\n    at run (app.js:2:2)`;
    p.destination.write(
      line({
        msg: 'request failed',
        err: { type: 'Error', message: `boom${FORGED}`, stack, cause: { stack } },
      }),
    );
    const lines = p.lines();
    for (const l of lines) expect(l.trimStart()).not.toMatch(/^FORGED/);
    expect(lines.filter((l) => /^\s+at handler \(app\.js:1:1\)$/.test(l))).toHaveLength(2);
    expect(p.text()).toContain('Error: boom\\u000aFORGED');
  });

  it('escapes a whole-line error and metadata pino-pretty prints as they are', () => {
    const p = pretty();
    p.destination.write(
      line({
        type: 'Error',
        msg: 'x',
        stack: `Error: x${FORGED}\n    at f (a.js:1:1)`,
        name: `svc${FORGED}`,
      }),
    );
    for (const l of p.lines()) expect(l.trimStart()).not.toMatch(/^FORGED/);
  });

  it('writes a line that is not JSON on one line, escaped', () => {
    const p = pretty();
    p.destination.write(`not json${FORGED}\n`);
    expect(p.lines().filter((l) => l !== '')).toHaveLength(1);
  });

  it('pollutes no prototype through a parsed __proto__ key', () => {
    const p = pretty();
    p.destination.write(`{"level":30,"time":0,"msg":"m","__proto__":{"polluted":true},"k\\n":1}\n`);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(p.text()).toContain('k\\u000a: 1');
  });
});
