import { TEST_LOGGING_PEERS } from './logging-runtime.testing';
import { Signals } from '../kernel/signals';
import { ModulesContainer } from '@nestjs/core';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import { Redactor } from '../redaction/redactor';
import { GuardedRequestTap } from '../faults/guarded-request-tap';
import { createLoggingRuntime } from './logging-runtime';
import { resolveLogging } from './resolve-logging-options';

// pino-pretty is installed in this repository; these tests make it look missing to Faultline.
const missing = new Set<string>();
jest.mock('../kernel/peer-require', () => {
  const actual = jest.requireActual<typeof import('../kernel/peer-require')>('../kernel/peer-require');
  return {
    ...actual,
    hasPeer: (name: string) => !missing.has(name) && actual.hasPeer(name),
    // What loadPeer throws for a package that is not installed (peer-require.spec.ts checks it).
    loadPeer: (name: string, option: string) => {
      if (missing.has(name)) {
        const { FaultlineConfigError: ConfigError } = jest.requireActual<
          typeof import('../kernel/faultline-config.error')
        >('../kernel/faultline-config.error');
        throw new ConfigError(option, `needs the package ${name}, which is not installed`);
      }
      return actual.loadPeer(name, option);
    },
  };
});

describe('the default log format without pino-pretty', () => {
  beforeEach(() => missing.add('pino-pretty'));
  afterEach(() => missing.clear());

  it('is JSON outside production when the format was not asked for, and says so once', () => {
    const resolved = resolveLogging({}, false);
    expect(resolved).toEqual(expect.objectContaining({ format: 'json', prettyUnavailable: true }));
    const lines: string[] = [];
    const logging = resolveLogging({ destination: { write: (l: string) => void lines.push(l) } }, false);
    if (!logging) throw new Error('logging is on');
    createLoggingRuntime(
      logging,
      new Redactor(),
      'X-Request-Id',
      new ModulesContainer(),
      new GuardedRequestTap(),
      new Signals(),
      TEST_LOGGING_PEERS,
    );
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; context?: string });
    expect(parsed).toEqual([
      expect.objectContaining({
        context: 'Faultline',
        msg: expect.stringContaining('pino-pretty is not installed'),
      }),
    ]);
    expect(parsed[0].msg).toContain('npm install pino-pretty');
  });

  it('stops start-up naming logging.format and pino-pretty when pretty was asked for', () => {
    let error: unknown;
    try {
      resolveLogging({ format: 'pretty' }, false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FaultlineConfigError);
    expect((error as FaultlineConfigError).option).toBe('logging.format');
    expect((error as Error).message).toContain('pino-pretty');
  });

  it('leaves production (JSON) and an explicit json format alone, without a notice', () => {
    expect(resolveLogging({}, true)).not.toHaveProperty('prettyUnavailable');
    expect(resolveLogging({ format: 'json' }, false)).not.toHaveProperty('prettyUnavailable');
  });
});

describe('the default log format with pino-pretty', () => {
  it('is pretty outside production, with no notice', () => {
    const resolved = resolveLogging({}, false);
    expect(resolved && resolved.format).toBe('pretty');
    expect(resolved).not.toHaveProperty('prettyUnavailable');
  });
});
