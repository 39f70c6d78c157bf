'use strict';
// GraphQL: a query that succeeds and one that fails with a 404-class error (Nest's
// NotFoundException in a resolver), Faultline (everything on) against the same Apollo app with
// nestjs-pino's request logging and Apollo's default error handling, in the same rounds.
//   node bench/graphql/graphql.bench.js           (BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP as in bench/run.js)
//   node bench/graphql/graphql.bench.js --json    prints the result as JSON
const { createServer } = require('node:http');
const { join } = require('node:path');
const { build, GRAPHQL_SCENARIOS, median, ROOT } = require('../common');
const { alternatingRounds, measure, startProcess, stopLoadGenerators } = require('../run');
const { DURATION, ROUNDS, WARMUP } = require('../run');

const JSON_OUT = process.argv.includes('--json');
const log = (text) => (JSON_OUT ? process.stderr : process.stdout).write(text);

const SCENARIOS = GRAPHQL_SCENARIOS;

const APPS = [
  { id: 'graphql-nest-pino', label: 'NestJS + nestjs-pino + Apollo defaults' },
  { id: 'graphql-faultline', label: 'Faultline (everything on) + Apollo' },
];
const BASELINE = 'graphql-nest-pino';

/** Where Faultline's alerts go: a local receiver that answers 200. */
function receiver(port) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Waits until the app answers a GraphQL query. */
async function ready(app) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (app.child.exitCode !== null) throw new Error(`${app.id} exited: ${app.child.stderrText()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: SCENARIOS[0].body,
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${app.id} did not answer`);
}

async function main() {
  build();
  const alerts = await receiver(39400);
  const apps = APPS.map((a, i) => {
    const port = 39401 + i;
    return {
      ...a,
      port,
      child: startProcess(join(ROOT, `dist/bench/apps/${a.id}.js`), port, {
        ALERT_WEBHOOK_URL: 'http://127.0.0.1:39400/alerts',
      }),
    };
  });
  try {
    await Promise.all(apps.map(ready));
    for (const app of apps) for (const s of SCENARIOS) await measure(app, s, WARMUP);
    const result = { rounds: ROUNDS, durationSeconds: DURATION, scenarios: {} };
    for (const s of SCENARIOS) {
      const rounds = await alternatingRounds(apps, s, (round, app, r) =>
        log(
          `${s.id.padEnd(8)} round ${round} ${app.id.padEnd(18)} ${Math.round(r.rps)} req/s ` +
            `${r.cpuUsPerRequest.toFixed(0)} µs CPU/request\n`,
        ),
      );
      const base = (r) => r[BASELINE];
      const ours = (r) => r['graphql-faultline'];
      result.scenarios[s.id] = {
        label: s.label,
        rps: Object.fromEntries(APPS.map((a) => [a.id, median(rounds.map((r) => r[a.id].rps))])),
        cpuUsPerRequest: Object.fromEntries(
          APPS.map((a) => [a.id, median(rounds.map((r) => r[a.id].cpuUsPerRequest))]),
        ),
        rpsRatio: median(rounds.map((r) => ours(r).rps / base(r).rps)),
        cpuRatio: median(rounds.map((r) => ours(r).cpuUsPerRequest / base(r).cpuUsPerRequest)),
      };
    }
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      log('\nFaultline against NestJS + nestjs-pino + Apollo defaults (medians of per-round ratios):\n');
      for (const [id, s] of Object.entries(result.scenarios)) {
        log(
          `  ${id.padEnd(8)} ${s.label.padEnd(32)} req/s ${s.rpsRatio.toFixed(2)}x, CPU per request ${s.cpuRatio.toFixed(2)}x\n`,
        );
      }
    }
  } finally {
    stopLoadGenerators();
    for (const app of apps) if (app.child.exitCode === null) app.child.kill();
    alerts.closeAllConnections();
    alerts.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
