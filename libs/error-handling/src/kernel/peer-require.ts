import { createRequire } from 'node:module';
import { FaultlineConfigError } from './faultline-config.error';

/**
 * `require` for Faultline's optional peers (pg, ioredis, nodemailer, prom-client, pino-pretty,
 * pino-roll, @sentry/nestjs), loaded only when a feature that needs one is on. It resolves from
 * Faultline's own location, as `require` does. The ES module build replaces `__filename` below
 * with `import.meta.url` (scripts/build-lib.js), so both builds resolve the same way.
 */
export const peerRequire: NodeJS.Require = createRequire(__filename);

/**
 * Loads the optional peer `name` that the option `option` needs, or stops start-up with a
 * {@link FaultlineConfigError} that names the option and the package to install. `otherwise`
 * says what else would do instead of installing it (default: turning the option off).
 */
export function loadPeer<T>(name: string, option: string, otherwise?: string): T {
  try {
    return peerRequire(name) as T;
  } catch (error) {
    if (isMissing(error, name)) throw missingPeer(name, option, otherwise);
    throw error;
  }
}

/**
 * Imports the optional peer `name` that the option `option` needs, as the application's own
 * `import` would (so an ES module application and Faultline share one copy of a dual package),
 * or stops start-up as {@link loadPeer} does when it is not installed.
 */
export async function importPeer<T>(name: string, option: string, otherwise?: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissing(error, name)) throw missingPeer(name, option, otherwise);
    throw error;
  }
}

/**
 * The entry file of the optional peer `name` that the option `option` needs, without loading it
 * (for a pino transport, which loads it in a worker thread); stops start-up as {@link loadPeer}
 * does when it is not installed.
 */
export function resolvePeer(name: string, option: string, otherwise?: string): string {
  try {
    return peerRequire.resolve(name);
  } catch (error) {
    if (isMissing(error, name)) throw missingPeer(name, option, otherwise);
    throw error;
  }
}

/** The start-up error for an optional peer that `option` needs and that is not installed. */
function missingPeer(name: string, option: string, otherwise?: string): FaultlineConfigError {
  return new FaultlineConfigError(
    option,
    `needs the package ${name}, which is not installed`,
    `Install it (npm install ${name}) or ${otherwise ?? `turn ${option} off`}`,
  );
}

/** Whether loading the optional peer `name` would succeed (it is installed). */
export function hasPeer(name: string): boolean {
  try {
    peerRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `error` says `name` itself (not one of its dependencies) cannot be found: `require`'s
 * `MODULE_NOT_FOUND` or `import`'s `ERR_MODULE_NOT_FOUND`.
 */
function isMissing(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${name}'`)
  );
}
