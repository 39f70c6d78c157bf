'use strict';
// Alerts under an error storm: GET /storm at full speed (200 distinct fingerprints, in turn) while
// the alert webhook takes 5 s to answer, and the happy path (GET /ok) measured beside it, with
// alerts on and off; then what the webhook was sent, against the budget (20 a channel a window).
//   node bench/alerts/alerts.bench.js            (BENCH_ROUNDS, BENCH_DURATION as in bench/run.js)
//   node bench/alerts/alerts.bench.js --json     prints the result as JSON
//   BENCH_STORM_PATH=/boom                       one fingerprint instead
//   BENCH_ALERTS_PORT=39300                      the webhook's port; the apps take the next two
const { createServer } = require('node:http');
const { join } = require('node:path');
const { build, median, ROOT, waitForPort } = require('../common');
const { pooledPercentile } = require('../load');
const { startProcess, measure, stopLoadGenerators, ROUNDS, DURATION, WARMUP } = require('../run');

const JSON_OUT = process.argv.includes('--json');
const WEBHOOK_DELAY_MS = 5000;
const STORM_CONNECTIONS = Number(process.env.BENCH_STORM_CONNECTIONS ?? 10);
const STORM_PATH = process.env.BENCH_STORM_PATH ?? '/storm';
/** The bench app's alert budget: alerts.budget's default. */
const BUDGET = 20;
/** The webhook's port; the two apps take the next two. */
const PORT = Number(process.env.BENCH_ALERTS_PORT ?? 39300);

const log = (text) => (JSON_OUT ? process.stderr : process.stdout).write(text);

/**
 * The alert webhook: answers every POST after 5 s. Counts requests, and distinct alerts by kind (a
 * retried delivery is the same alert: same body).
 */
function slowWebhook(port) {
  let received = 0;
  const alerts = new Map();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      try {
        alerts.set(body, JSON.parse(body).kind);
      } catch {
        alerts.set(body, 'unreadable');
      }
    });
    received++;
    const timer = setTimeout(() => res.end('ok'), WEBHOOK_DELAY_MS);
    req.on('close', () => clearTimeout(timer));
  });
  const byKind = () => {
    const counts = {};
    for (const kind of alerts.values()) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  };
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve({ server, received: () => received, byKind })),
  );
}

/** A counter of the app's /metrics, by its labels' text (`channel="webhook"`). */
async function metric(port, name, labels) {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function main() {
  build();
  const webhook = await slowWebhook(PORT);
  const variants = [
    { id: 'alerts-on', env: { ALERT_WEBHOOK_URL: `http://127.0.0.1:${PORT}/alerts` } },
    { id: 'alerts-off', env: {} },
  ].map((v, i) => {
    const port = PORT + 1 + i;
    return {
      ...v,
      port,
      child: startProcess(join(ROOT, 'dist/bench/apps/faultline.js'), port, v.env),
    };
  });
  const ok = { id: 'ok', path: '/ok', status: 200 };
  const boom = { id: 'storm', path: STORM_PATH, status: 500, connections: STORM_CONNECTIONS };
  try {
    await Promise.all(variants.map((v) => waitForPort(v.port, v.child, v.id)));
    // Warm-up as measured: the storm beside the happy path, so that the first round does not
    // also time the JIT settling on the storm's path and the happy path's together.
    for (const v of variants) {
      const storm = measure(v, boom, WARMUP + 1);
      await measure(v, ok, WARMUP);
      await storm;
    }
    const rounds = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const row = {};
      // A B, B A, …: neither variant always runs first.
      for (const v of round % 2 ? variants : [...variants].reverse()) {
        // The storm runs beside the measured happy path, for a little longer.
        const storm = measure(v, boom, DURATION + 1);
        row[v.id] = await measure(v, ok, DURATION);
        row[v.id].storm = await storm;
        log(
          `round ${round} ${v.id.padEnd(10)} /ok ${Math.round(row[v.id].rps)} req/s p99 ${row[v.id].p99} ms` +
            ` | ${STORM_PATH} ${Math.round(row[v.id].storm.rps)} req/s\n`,
        );
      }
      rounds.push(row);
    }
    const on = variants[0];
    const stormRequests = rounds.reduce((n, r) => n + r['alerts-on'].storm.requests, 0);
    const result = {
      webhookDelayMs: WEBHOOK_DELAY_MS,
      stormConnections: STORM_CONNECTIONS,
      stormPath: STORM_PATH,
      stormRequests,
      budget: BUDGET,
      webhookRequests: webhook.received(),
      webhookAlerts: webhook.byKind(),
      heldBackByBudget: await metric(on.port, 'faultline_alerts_budget_held_back_total', 'channel="webhook"'),
      droppedByQueue: await metric(on.port, 'faultline_alerts_dropped_total', 'channel="webhook"'),
      rounds,
      onRps: median(rounds.map((r) => r['alerts-on'].rps)),
      offRps: median(rounds.map((r) => r['alerts-off'].rps)),
      rpsRatio: median(rounds.map((r) => r['alerts-on'].rps / r['alerts-off'].rps)),
      // The p99 of every /ok response of every round, pooled (as in bench/run.js): a round's p99
      // rests on its slowest 1 %, a few hundred responses, often one or two pauses.
      onP99: pooledP99(rounds, 'alerts-on'),
      offP99: pooledP99(rounds, 'alerts-off'),
      p99Ratio: pooledP99(rounds, 'alerts-on') / pooledP99(rounds, 'alerts-off'),
      p99RoundRatio: median(rounds.map((r) => r['alerts-on'].p99 / r['alerts-off'].p99)),
    };
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      log(
        `\nhappy path during a ${STORM_PATH} storm, alerts on vs off: req/s ${result.rpsRatio.toFixed(2)}x, ` +
          `p99 ${result.p99Ratio.toFixed(2)}x (${result.onP99} vs ${result.offP99} ms, pooled; median of the rounds' ` +
          `ratios ${result.p99RoundRatio.toFixed(2)}x)\nwebhook: ${JSON.stringify(result.webhookAlerts)} distinct alerts ` +
          `(${result.webhookRequests} requests, retries included; budget ${BUDGET}), ` +
          `${result.heldBackByBudget} held back by the budget, ${result.droppedByQueue} dropped by a full queue\n`,
      );
    }
  } finally {
    stopLoadGenerators();
    for (const v of variants) if (v.child.exitCode === null) v.child.kill();
    webhook.server.closeAllConnections();
    webhook.server.close();
  }
}

/** The p99 of every /ok response of `variant` over the rounds. */
const pooledP99 = (rounds, variant) =>
  pooledPercentile(
    rounds.map((r) => r[variant].latencyBuckets),
    0.99,
  );

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
