// Jest's globalSetup for the e2e project. It
// - finds out once whether PostgreSQL and Redis answer, and records it in process.env for the
//   workers (test/support/services.ts reads it: tests that need a missing service are reported
//   as skipped, with the reason in their title); under CI=true a missing service fails the run;
// - builds the library and the sample app (incrementally) so tests can run the built app as a
//   real process, as production does;
// - initialises one empty PGlite database in a data folder, which tests copy for each embedded
//   database they start (test/support/pglite-dirs.ts) instead of initialising one each time
//   (global-teardown.js removes it).
// Run as `node test/support/global-setup.js --probe`, it only probes and prints the states as
// JSON (services.ts does so when a test file runs without this setup).
const { execFile, execFileSync } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..', '..');

/** Longest wait for a service to connect and answer, in ms. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * The services some tests need; `defaultUrl` as in services.ts. `stateVar` receives `up`, or the
 * reason the service is unreachable.
 */
const SERVICES = {
  postgres: {
    label: 'PostgreSQL',
    urlVar: 'TEST_DATABASE_URL',
    defaultUrl: 'postgres://postgres@127.0.0.1:5432/test',
    stateVar: 'FAULTLINE_TEST_POSTGRES',
    probe: probePostgres,
  },
  redis: {
    label: 'Redis',
    urlVar: 'TEST_REDIS_URL',
    defaultUrl: 'redis://127.0.0.1:6379',
    stateVar: 'FAULTLINE_TEST_REDIS',
    probe: probeRedis,
  },
};

const urlOf = (service) => process.env[SERVICES[service].urlVar] || SERVICES[service].defaultUrl;

async function probePostgres(url, closers) {
  const { Client } = require('pg');
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  closers.push(() => client.end().catch(() => undefined));
  await client.connect();
  await client.query('SELECT 1');
}

async function probeRedis(url, closers) {
  const { Redis } = require('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's error (ECONNREFUSED...) comes as an event; connect() only says the connection closed.
  let socketError;
  client.on('error', (err) => (socketError ??= err));
  closers.push(() => client.disconnect());
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw socketError ?? err;
  }
}

/** The message of an error, however it is shaped (an AggregateError of several addresses has none). */
function reasonOf(err) {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return [...new Set(err.errors.map(reasonOf))].join('; ');
  }
  if (err instanceof Error) return err.message || err.code || err.name;
  return String(err);
}

/**
 * `up`, or why the service did not answer within the probe's bound (`Redis at redis://... is
 * unreachable: connect ECONNREFUSED ...`, its password masked); its client closed either way.
 */
async function probe(service) {
  const closers = [];
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS + 1000,
    );
  });
  try {
    await Promise.race([SERVICES[service].probe(urlOf(service), closers), deadline]);
    return 'up';
  } catch (err) {
    return `${SERVICES[service].label} at ${shown(urlOf(service))} is unreachable: ${reasonOf(err) || 'unknown error'}`;
  } finally {
    clearTimeout(timer);
    for (const close of closers) close();
  }
}

/** Every service's state: `{ postgres: 'up', redis: 'Redis at ... is unreachable: ...' }`. */
async function probeAll() {
  const names = Object.keys(SERVICES);
  const states = await Promise.all(names.map(probe));
  return Object.fromEntries(names.map((name, i) => [name, states[i]]));
}

/** The URL as shown in messages, its password masked. */
function shown(url) {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Test files that declare tests needing `service` (with describeWith / itWith). */
function filesNeeding(service) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/[.-]spec\.ts$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        const calls = text.matchAll(/\b(?:describe|it)With\(([^)]*)\)/g);
        if ([...calls].some((m) => m[1].includes(`'${service}'`))) files.push(relative(root, path));
      }
    }
  };
  walk(join(root, 'test'));
  return files.sort();
}

/**
 * An empty PGlite database in a new data folder, made by a Node process of its own (PGlite is an
 * ES module) while the rest of the setup runs; resolves with its path, which goes to the workers
 * in FAULTLINE_TEST_PGLITE_TEMPLATE.
 */
function pgliteTemplate() {
  const template = join(mkdtempSync(join(tmpdir(), 'faultline-pglite-')), 'template');
  const script =
    "const { PGlite } = await import('@electric-sql/pglite');" +
    `const db = await PGlite.create(${JSON.stringify(template)}); await db.close();`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: root }, (err, _out, stderr) => {
      if (!err) return resolve(template);
      rmSync(dirname(template), { recursive: true, force: true });
      reject(new Error(stderr.trim() || err.message));
    });
  });
}

module.exports = async () => {
  const template = pgliteTemplate();
  // Awaited below; a setup that fails first must not leave its rejection unhandled.
  template.catch(() => undefined);
  try {
    await probeAndBuild();
  } catch (err) {
    // Jest runs no teardown after a failed setup: the template made meanwhile goes here.
    await template.then(
      (dir) => rmSync(dirname(dir), { recursive: true, force: true }),
      () => undefined,
    );
    throw err;
  }
  try {
    process.env.FAULTLINE_TEST_PGLITE_TEMPLATE = await template;
  } catch (err) {
    // Each embedded database is then initialised on its own, as PGlite does in memory: slower,
    // and a failing PGlite fails the tests that use it, with its own error.
    process.stderr.write(
      `\n[pglite] no template database (${reasonOf(err)}): each test initialises its own\n`,
    );
  }
};

/**
 * Probes the services (recording their states for the workers; under CI=true a missing one
 * throws) and builds the library and the sample app.
 */
async function probeAndBuild() {
  const states = await probeAll();
  const missing = Object.keys(states).filter((service) => states[service] !== 'up');
  for (const service of Object.keys(states)) process.env[SERVICES[service].stateVar] = states[service];
  const outage = (service) => states[service];

  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(
      `Services required under CI=true are unreachable:\n${missing.map((s) => `  - ${outage(s)}`).join('\n')}\n` +
        `Start ${missing.length > 1 ? 'them' : 'it'}, or set ${missing.map((s) => SERVICES[s].urlVar).join(' / ')} to a running one.`,
    );
  }
  for (const service of missing) {
    const files = filesNeeding(service);
    process.stderr.write(
      `\n[skip] ${outage(service)}\n` +
        `       Tests that need it are reported as skipped${files.length > 0 ? `, in ${files.join(', ')}` : ''}.\n` +
        `       Set ${SERVICES[service].urlVar} to a running ${SERVICES[service].label}; under CI=true this fails the run.\n`,
    );
  }

  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'apps/sample/tsconfig.app.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

if (require.main === module && process.argv.includes('--probe')) {
  probeAll().then(
    // Exits at once: a client that hung past the bound must not hold the process.
    (states) => process.stdout.write(JSON.stringify(states), () => process.exit(0)),
    (err) => {
      process.stderr.write(`${reasonOf(err)}\n`);
      process.exitCode = 1;
    },
  );
}
