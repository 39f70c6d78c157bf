import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Connection string of the test PostgreSQL (TEST_DATABASE_URL, default the local server). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** URL of the test Redis (TEST_REDIS_URL, default the local server). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A service some tests need. */
export type Service = 'postgres' | 'redis';

/** What is known of a service: it answered, or why it did not. */
export type ServiceState = { readonly up: true } | { readonly up: false; readonly reason: string };

interface ServiceInfo {
  readonly label: string;
  readonly urlVar: string;
  /** Set by global-setup.js: `up`, or why the service is unreachable (naming it and its URL). */
  readonly stateVar: string;
}

const SERVICES: Readonly<Record<Service, ServiceInfo>> = {
  postgres: {
    label: 'PostgreSQL',
    urlVar: 'TEST_DATABASE_URL',
    stateVar: 'FAULTLINE_TEST_POSTGRES',
  },
  redis: { label: 'Redis', urlVar: 'TEST_REDIS_URL', stateVar: 'FAULTLINE_TEST_REDIS' },
};

const SERVICE_NAMES = Object.keys(SERVICES) as Service[];

/** The probe shared with the e2e project's globalSetup, run as a script. */
const PROBE_SCRIPT = join(__dirname, 'global-setup.js');

/** What a probe run here found, when global-setup.js did not run (a file run outside the e2e project). */
let probed: Readonly<Record<Service, string>> | undefined;

/**
 * Probes every service in a child process, synchronously (test files declare their tests
 * synchronously), once per test file's module registry.
 */
function probeNow(): Readonly<Record<Service, string>> {
  const run = spawnSync(process.execPath, [PROBE_SCRIPT, '--probe'], {
    env: { ...process.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const failed = (why: string) =>
    Object.fromEntries(
      SERVICE_NAMES.map((s) => [s, `${SERVICES[s].label} could not be probed: ${why}`]),
    ) as Record<Service, string>;
  if (run.error) return failed(run.error.message);
  if (run.status !== 0) return failed(run.stderr.trim() || `exit ${String(run.status ?? run.signal)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    return failed(`unreadable answer ${JSON.stringify(run.stdout)}`);
  }
  const states = failed('no answer for it');
  if (typeof parsed === 'object' && parsed !== null) {
    for (const service of SERVICE_NAMES) {
      const value: unknown = (parsed as Record<string, unknown>)[service];
      if (typeof value === 'string' && value !== '') states[service] = value;
    }
  }
  return states;
}

/** Whether `service` answered: as global-setup.js recorded it, else probed here once. */
export function serviceState(service: Service): ServiceState {
  const recorded = process.env[SERVICES[service].stateVar];
  const state = recorded ? recorded : (probed ??= probeNow())[service];
  return state === 'up' ? { up: true } : { up: false, reason: state };
}

/**
 * Why tests that need `services` cannot run (`Redis at redis://127.0.0.1:1 is unreachable:
 * connect ECONNREFUSED 127.0.0.1:1`), or `undefined` when every one answers.
 *
 * @throws Error under CI=true when one is unreachable: there a missing service fails the run.
 */
export function missingServices(...services: Service[]): string | undefined {
  const missing = [...new Set(services)].flatMap((service) => {
    const state = serviceState(service);
    return state.up ? [] : [{ ...SERVICES[service], reason: state.reason }];
  });
  if (missing.length === 0) return undefined;
  const reason = missing.map((m) => m.reason).join('; ');
  if (process.env.CI === 'true') {
    throw new Error(
      `Required under CI=true: ${reason}. Start it, or set ${missing.map((m) => m.urlVar).join(' / ')} to a running one.`,
    );
  }
  return reason;
}

/** `describe`'s plain form: a title and the block. */
export type DescribeBlock = (name: string, fn: () => void) => void;

/** `it`'s plain form: a title, the test and an optional timeout. */
export type TestCase = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `describe` when every one of `services` answers; otherwise `describe.skip`, its title ending
 * with `(skipped: <why>)`, so Jest reports its tests as skipped and says why. Under CI=true a
 * missing service throws instead (see {@link missingServices}).
 *
 * @example describeWith('postgres', 'redis')('health probes against real services', () => { ... });
 */
export function describeWith(...services: Service[]): DescribeBlock {
  const reason = missingServices(...services);
  if (reason === undefined) return describe;
  return (name, fn) => describe.skip(`${name} (skipped: ${reason})`, fn);
}

/** `it`, or `it.skip` with the reason in its title, like {@link describeWith}. */
export function itWith(...services: Service[]): TestCase {
  const reason = missingServices(...services);
  if (reason === undefined) return it;
  return (name, fn, timeout) => it.skip(`${name} (skipped: ${reason})`, fn, timeout);
}
