import { pino, type LoggerOptions } from 'pino';
import { RequestScope, runInRequestScope } from '../kernel/request-scope';
import { Redactor } from '../redaction/redactor';
import { LOGGER_REQUEST } from '../kernel/request-context';
import { resolveLogging } from './resolve-logging-options';
import { createRootLogger } from './root-logger';

function rootWritingTo(lines: string[], pinoOptions: LoggerOptions = {}) {
  const o = resolveLogging(
    { format: 'json', destination: { write: (l: string) => void lines.push(l) }, pino: pinoOptions },
    true,
  );
  if (!o) throw new Error('logging is on');
  return createRootLogger(o, new Redactor(), pino).logger;
}

describe('request fields on lines of loggers that are not the request’s own', () => {
  it('writes a bare logger’s lines through the request’s logger, and adds the fields to a child’s', () => {
    const lines: string[] = [];
    const root = rootWritingTo(lines);
    const req = { ip: '203.0.113.9', user: { id: 5 } };
    const log = root.child({ requestId: 'r-1' });
    (log as unknown as Record<symbol, unknown>)[LOGGER_REQUEST] = req;
    runInRequestScope(new RequestScope('r-1', log, req), () => {
      root.info('from the root');
      root.child({ tenant: 'acme' }).info('from a child');
      log.info('from the request logger');
    });
    root.info('outside');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const fields = { requestId: 'r-1', userId: 5, ip: '203.0.113.9' };
    expect(parsed).toEqual([
      expect.objectContaining({ ...fields, msg: 'from the root' }),
      expect.objectContaining({ ...fields, tenant: 'acme', msg: 'from a child' }),
      expect.objectContaining({ ...fields, msg: 'from the request logger' }),
      expect.not.objectContaining({ requestId: expect.anything() }),
    ]);
    for (const line of lines) expect(line.match(/"requestId"/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('sends a bare logger’s line to the output of the request’s application', () => {
    const first: string[] = [];
    const second: string[] = [];
    const rootA = rootWritingTo(first);
    const rootB = rootWritingTo(second);
    const log = rootB.child({ requestId: 'r-2' });
    (log as unknown as Record<symbol, unknown>)[LOGGER_REQUEST] = {};
    runInRequestScope(new RequestScope('r-2', log, {}), () => rootA.warn('through the first root'));
    expect(first).toEqual([]);
    expect(second.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ requestId: 'r-2', level: 40, msg: 'through the first root' }),
    ]);
  });
});

describe('a mixinMergeStrategy of the application', () => {
  it("merges into an object of its own, also for lines Faultline adds nothing to (pino's default, written out)", () => {
    const lines: string[] = [];
    const root = rootWritingTo(lines, {
      mixinMergeStrategy: (mergeObject: object, mixinObject: object) =>
        Object.assign(mixinObject, mergeObject),
    });
    const req = { ip: '203.0.113.9' };
    const log = root.child({ requestId: 'r-2' });
    (log as unknown as Record<symbol, unknown>)[LOGGER_REQUEST] = req;
    root.info({ order: 1 }, 'outside a request');
    runInRequestScope(new RequestScope('r-2', log, req), () => log.info({ order: 2 }, 'in a request'));
    root.info({ order: 3 }, 'outside again');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ order: 1, msg: 'outside a request' }),
      expect.objectContaining({ order: 2, requestId: 'r-2', ip: '203.0.113.9', msg: 'in a request' }),
      expect.objectContaining({ order: 3, msg: 'outside again' }),
    ]);
  });
});
