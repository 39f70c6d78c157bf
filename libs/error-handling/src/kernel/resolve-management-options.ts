import { isIP } from 'node:net';
import type { ManagementEndpoint, ManagementOptions } from './management.options';
import { check, featureOptions } from './option-checks';

/** `management` after defaults and validation. */
export interface ResolvedManagement {
  port: number;
  /** `undefined`: every interface. */
  host: string | undefined;
  endpoints: readonly ManagementEndpoint[];
}

/** What the kernel reads of the module's resolved options. */
export interface ManagementSettings {
  /** False when there is no management server (the default). */
  management: ResolvedManagement | false;
}

const ENDPOINTS: readonly ManagementEndpoint[] = ['health', 'metrics'];

/** The defaults of `management`, as docs/options.md's option table shows them. */
export const MANAGEMENT_DEFAULTS = {
  endpoints: ['health', 'metrics'] as ManagementEndpoint[],
} as const;

const KNOWN: readonly (keyof ManagementOptions)[] = ['port', 'host', 'endpoints'];

/** A host name (`localhost`, `metrics.internal`) as `listen()` takes one. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Applies defaults and validates `management`; unset or `false`: no management server. */
export function resolveManagement(input: unknown): ResolvedManagement | false {
  if (input === undefined) return false;
  const o = featureOptions<ManagementOptions>(input, 'management', KNOWN);
  if (!o) return false;
  const port: unknown = o.port;
  check(port !== undefined, 'management.port', 'is required', 'For example management: { port: 9090 }');
  check(
    Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535,
    'management.port',
    'must be a whole number from 0 to 65535 (0 picks a free port)',
    typeof port === 'string'
      ? `Got the string ${JSON.stringify(port)}: pass Number(process.env.MANAGEMENT_PORT)`
      : `Got ${String(port)}`,
  );
  const host: unknown = o.host;
  check(
    host === undefined || (typeof host === 'string' && (isIP(host) !== 0 || HOST_NAME.test(host))),
    'management.host',
    'must be an IP address or a host name',
    "For example '127.0.0.1' for this machine only, or leave it unset for every interface",
  );
  return { port: port as number, host: host as string | undefined, endpoints: endpoints(o.endpoints) };
}

function endpoints(value: unknown): ManagementEndpoint[] {
  if (value === undefined) return [...MANAGEMENT_DEFAULTS.endpoints];
  check(
    Array.isArray(value) && value.length > 0,
    'management.endpoints',
    `must be a non-empty array of ${ENDPOINTS.map((e) => `'${e}'`).join(', ')}`,
    'Leave management unset to serve everything on the application port',
  );
  value.forEach((v: unknown, i) => {
    check(
      ENDPOINTS.includes(v as ManagementEndpoint),
      `management.endpoints[${i}]`,
      `must be one of ${ENDPOINTS.map((e) => `'${e}'`).join(', ')}`,
    );
    check(value.indexOf(v) === i, `management.endpoints[${i}]`, `repeats '${String(v)}'`);
  });
  return value as ManagementEndpoint[];
}
