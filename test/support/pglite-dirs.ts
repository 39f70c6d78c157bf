import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the e2e global setup put the PGlite data folder it initialised (test/support/global-setup.js). */
const TEMPLATE = process.env.FAULTLINE_TEST_PGLITE_TEMPLATE;

/**
 * A new PGlite data folder for one embedded database: a copy of the empty database the e2e global
 * setup initialised once for the run. A copy opens in under a second; initialising a database
 * (PGlite's initdb) takes some 3 s of CPU, far more on a loaded machine. Undefined when there is
 * no such template (a test run outside the e2e project): PGlite then starts in memory, as before.
 * The copies are removed with the template by the global teardown, or one by one with
 * {@link removePgliteDir}.
 */
export function freshPgliteDir(): string | undefined {
  if (!TEMPLATE) return undefined;
  const dir = mkdtempSync(join(dirname(TEMPLATE), 'db-'));
  cpSync(TEMPLATE, dir, { recursive: true });
  return dir;
}

/** Removes a folder {@link freshPgliteDir} made, once its database is closed. */
export function removePgliteDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
