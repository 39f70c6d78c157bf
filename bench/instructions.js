'use strict';
// Instructions per request, counted by valgrind's callgrind: a CPU cost that does not move with
// what else the machine is doing, unlike req/s and CPU seconds on two shared cores.
//   npm run bench:instructions
// Each app runs under callgrind and gets BENCH_WARMUP_REQUESTS requests first (the JIT settles);
// then, BENCH_WINDOWS times, the counters are zeroed, BENCH_REQUESTS requests are sent (8 at a
// time, keep-alive) and the count is dumped. The figure is the median window over its requests.
// Two apps are measured at once, one a core. BENCH_SUITE=graphql counts the GraphQL apps
// (graphql-nest-pino, graphql-faultline) on the GraphQL scenarios. The audited route (scenario
// `audited`) is counted on its own two apps, faultline-audit (audit on, its store encoding each
// batch and sending nothing) against faultline-audit-off (the same app with `audit: false`):
//   BENCH_SCENARIOS=audited npm run bench:instructions
// Env: BENCH_APPS (default nest-pino,faultline; a scenario with apps of its own keeps those it names),
// BENCH_SCENARIOS, BENCH_REQUESTS (1500), BENCH_WARMUP_REQUESTS (3000; the audited route 9000),
// BENCH_WINDOWS (3);
// BENCH_OUT (bench/instructions.md) is where the table goes; BENCH_START_TIMEOUT_MS (300000) is how
// long an app may take to start under callgrind; BENCH_NO_BUILD=1 measures dist/ as
// built; BENCH_PORT (39300) is the first of the three ports used (two runs at once need two);
// BENCH_NODE and BENCH_NODE_OPTIONS choose the apps' Node and its options, as for `npm run bench`.
// The Fastify apps (nest-fastify, nest-fastify-logger, faultline-fastify) are compared with
// nest-fastify-logger, the others with nest-pino. A quick look at one app and one scenario (few
// windows of few requests vary by some 10-30 % with the JIT and the GC: compare medians):
//   BENCH_APPS=faultline-fastify BENCH_SCENARIOS=ok BENCH_REQUESTS=500 BENCH_WARMUP_REQUESTS=2000 \
//     BENCH_NO_BUILD=1 npm run bench:instructions
const { execFileSync, spawn } = require('node:child_process');
const {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { ALL_SCENARIOS, AUDIT_SCENARIOS, GRAPHQL_SCENARIOS } = require('./common');
const { appEnv, build, envList, median, ROOT, waitForPort } = require('./common');
const { appNode, appNodeOptions, appNodeVersion } = require('./common');

/** BENCH_SUITE=graphql counts the GraphQL apps (bench/graphql) on their own scenarios. */
const GRAPHQL = process.env.BENCH_SUITE === 'graphql';
const APPS = envList(
  'BENCH_APPS',
  GRAPHQL ? ['graphql-nest-pino', 'graphql-faultline'] : ['nest-pino', 'faultline'],
);
const SUITE = GRAPHQL ? GRAPHQL_SCENARIOS : [...ALL_SCENARIOS, ...AUDIT_SCENARIOS];
const SCENARIOS = SUITE.filter((s) => envList('BENCH_SCENARIOS', [s.id]).includes(s.id));
/** What an app answers once it listens: a GraphQL app's GET /graphql without a query is a 400. */
const READY = GRAPHQL ? { path: '/graphql', status: 400 } : { path: '/ok', status: 200 };
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const WARMUP = Number(process.env.BENCH_WARMUP_REQUESTS ?? 3000);
/** The warm-up of a scenario: BENCH_WARMUP_REQUESTS when set, else the scenario's own, else 3000. */
const warmupOf = (scenario) =>
  process.env.BENCH_WARMUP_REQUESTS ? WARMUP : (scenario.warmupRequests ?? WARMUP);
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 3);
const BASELINE = GRAPHQL ? 'graphql-nest-pino' : 'nest-pino';
const FASTIFY_BASELINE = 'nest-fastify-logger';
const baselineOf = (app, scenario) =>
  scenario.baseline ?? (app.includes('fastify') ? FASTIFY_BASELINE : BASELINE);
/** The apps counted on a scenario: its own (those BENCH_APPS names, when set), else BENCH_APPS. */
const appsOf = (scenario) =>
  scenario.apps ? scenario.apps.filter((a) => envList('BENCH_APPS', scenario.apps).includes(a)) : APPS;
const CONCURRENCY = 8;
/** The Node the apps run on (BENCH_NODE), with BENCH_NODE_OPTIONS, as `npm run bench` has them. */
const APP_NODE = appNode();
/** How long an app may take to answer after it is started under callgrind. */
const START_TIMEOUT_MS = Number(process.env.BENCH_START_TIMEOUT_MS ?? 300_000);
/** Every app started, killed when this script exits however it ends. */
const children = new Set();
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** Sends `count` requests of the scenario, `CONCURRENCY` at a time; any other status throws. */
async function send(port, scenario, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = scenario.body;
  const headers = {
    ...scenario.headers,
    ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
  };
  const one = () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: scenario.path, method: scenario.method ?? 'GET', agent, headers },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === scenario.status
              ? resolve()
              : reject(new Error(`${scenario.path}: expected ${scenario.status}, got ${res.statusCode}`)),
          );
        },
      );
      // A slow app (callgrind on a busy machine) may close a kept-alive connection, on its idle
      // timeout, just as the next request goes out on it: that request never reached it, and is
      // sent again, as Node's documentation advises.
      req.on('error', (err) =>
        req.reusedSocket && err.code === 'ECONNRESET' ? one().then(resolve, reject) : reject(err),
      );
      req.end(body);
    });
  let sent = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < count) {
          sent++;
          await one();
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

/**
 * Sends a command (`--zero`, `--dump`) to the callgrind of `pid`; callgrind_control waits for
 * callgrind to take it and says OK. Callgrind takes commands only while the process runs, so
 * when it did not, the app is woken by a request of the suite's first scenario (one request in a window's
 * thousands) and the command sent again.
 */
async function control(pid, command, port) {
  let said = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      said = execFileSync('callgrind_control', [command, String(pid)], {
        timeout: 60_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
      if (/\bOK\b/.test(said)) return;
    } catch (err) {
      said = String(err.stderr ?? err.message);
    }
    await send(port, SUITE[0], 1);
  }
  throw new Error(`callgrind_control ${command} ${pid} did not succeed: ${said}`);
}

/** The last 2,000 characters of a file. */
function tail(file) {
  try {
    return readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/**
 * The instructions (Ir) of the callgrind dump of `prefix`, which is then removed: of every thread
 * (`total`), and of the main thread alone (`main`). Callgrind writes a file a thread
 * (`--separate-threads=yes`, `<prefix>.<dump>-<thread>`), the main thread's `-01`, each once
 * complete; the others are the collector's and the compiler's helper threads.
 */
async function takeDump(dir, prefix) {
  let seen = '';
  for (let attempt = 0; attempt < 300; attempt++) {
    const files = readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`));
    // The same files on two looks in a row: callgrind has written the dump's last thread.
    const listing = files.sort().join('\n');
    const settled = listing === seen;
    seen = listing;
    const dumps = new Set(files.map((f) => f.slice(prefix.length + 1).split('-')[0]));
    if (dumps.size > 1) throw new Error(`several callgrind dumps for ${prefix}: ${files.join(', ')}`);
    const counts = files.map((f) => ({ f, ir: /^totals: (\d+)/m.exec(readFileSync(join(dir, f), 'utf8')) }));
    const main = counts.find((c) => c.f.endsWith('-01'));
    if (settled && main && counts.every((c) => c.ir)) {
      for (const c of counts) rmSync(join(dir, c.f));
      return { total: counts.reduce((sum, c) => sum + Number(c.ir[1]), 0), main: Number(main.ir[1]) };
    }
    await sleep(100);
  }
  throw new Error(`no callgrind dump for ${prefix}`);
}

/** Instructions per request of one app on one scenario: a median over the windows. */
async function count(app, scenario, port, receiverPort, dir) {
  const prefix = `${app}-${scenario.id}`;
  const stdout = openSync(join(dir, `${prefix}.out`), 'w');
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(dir, prefix)}.%p`,
      APP_NODE,
      join(ROOT, 'dist/bench/apps', `${app}.js`),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...appNodeOptions(),
        NODE_ENV: 'production',
        PORT: String(port),
        ...appEnv(app, receiverPort),
      },
      // stdout to a file, not a pipe: a write never waits for this script to read it.
      stdio: ['ignore', stdout, 'pipe'],
    },
  );
  closeSync(stdout);
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d.toString()).slice(-2000)));
  // When the app exits early: the end of its output (a fatal line goes to stdout), and callgrind's.
  child.stderrText = () => `${tail(join(dir, `${prefix}.out`))}\n${stderr}`;
  try {
    // Node starts far slower under callgrind (and slower still on a busy machine).
    await waitForPort(port, child, app, READY.path, READY.status, START_TIMEOUT_MS);
    await send(port, scenario, warmupOf(scenario));
    const perRequest = [];
    const mainPerRequest = [];
    for (let w = 0; w < WINDOWS; w++) {
      await control(child.pid, '--zero', port);
      await send(port, scenario, REQUESTS);
      await control(child.pid, '--dump', port);
      const counted = await takeDump(dir, `${prefix}.${child.pid}`);
      perRequest.push(counted.total / REQUESTS);
      mainPerRequest.push(counted.main / REQUESTS);
    }
    return {
      app,
      scenario: scenario.id,
      windows: perRequest,
      instructions: median(perRequest),
      mainWindows: mainPerRequest,
      main: median(mainPerRequest),
    };
  } finally {
    // The next scenario's app takes the same port: wait until this one has let it go.
    await stop(child);
  }
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

async function main() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is not installed (Debian package valgrind)');
  }
  const started = Date.now();
  if (process.env.BENCH_NO_BUILD !== '1') build();
  const dir = mkdtempSync(join(tmpdir(), 'faultline-callgrind-'));
  // BENCH_PORT moves the ports, so that two runs at once do not answer each other's requests.
  const receiverPort = Number(process.env.BENCH_PORT ?? 39300);
  const receiver = spawn(process.execPath, [join(__dirname, 'sentry-receiver.js')], {
    env: { ...process.env, PORT: String(receiverPort) },
    stdio: 'ignore',
  });
  const results = [];
  try {
    for (const scenario of SCENARIOS) {
      // Two at a time: callgrind runs a process on one core.
      const apps = appsOf(scenario);
      for (let i = 0; i < apps.length; i += 2) {
        const pair = apps.slice(i, i + 2);
        const counted = await Promise.all(
          pair.map((app, k) => count(app, scenario, receiverPort + 1 + k, receiverPort, dir)),
        );
        for (const r of counted) {
          results.push(r);
          process.stdout.write(
            `${scenario.id.padEnd(10)} ${r.app.padEnd(20)} ${Math.round(r.instructions).toLocaleString('en-US').padStart(12)} instructions/request` +
              `  (windows, thousands: ${r.windows.map((x) => Math.round(x / 1000)).join(', ')};` +
              ` main thread ${r.mainWindows.map((x) => Math.round(x / 1000)).join(', ')})\n`,
          );
        }
      }
    }
  } finally {
    receiver.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  write(results, (Date.now() - started) / 1000);
}

function write(results, seconds) {
  const lines = [
    '# Instructions per request',
    '',
    `Counted by valgrind's callgrind (\`npm run bench:instructions\`, ${Math.round(seconds)} s): ` +
      `${[...new Set(SCENARIOS.map(warmupOf))].join(' or ')} warm-up requests (by scenario), then the median of ${WINDOWS} windows of ${REQUESTS} requests, ` +
      `8 at a time. Node ${appNodeVersion(APP_NODE)}` +
      `${process.env.BENCH_NODE_OPTIONS ? ` (${process.env.BENCH_NODE_OPTIONS})` : ''}.`,
    '',
    'Every thread counts: the main thread, and the helper threads of the collector and the compiler, ' +
      'whose share of a window moves with when they run; the main thread alone is what a request costs the event loop.',
    '',
    `| scenario | app | instructions/request | vs ${BASELINE} (Fastify apps: vs ${FASTIFY_BASELINE}; audited route: vs its app with audit off) | main thread | main thread vs the same |`,
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  const count = (n) => Math.round(n).toLocaleString('en-US');
  for (const scenario of SCENARIOS) {
    for (const r of results.filter((x) => x.scenario === scenario.id)) {
      const base = results.find((b) => b.scenario === scenario.id && b.app === baselineOf(r.app, scenario));
      const ratio = (key) => (base ? `${(r[key] / base[key]).toFixed(2)}x` : 'n/a');
      lines.push(
        `| ${scenario.label} | ${r.app} | ${count(r.instructions)} | ${ratio('instructions')} | ${count(r.main)} | ${ratio('main')} |`,
      );
    }
  }
  const out = process.env.BENCH_OUT ?? join(__dirname, 'instructions.md');
  writeFileSync(out, `${lines.join('\n')}\n`);
  process.stdout.write(`\nwrote ${out} (${Math.round(seconds)} s)\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
