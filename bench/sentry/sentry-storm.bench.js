'use strict';
// Sentry under a 500 storm: GET /boom at full speed on Faultline (everything on) with Sentry on
// (faultline-sentry: the instrument entry, errors only, sampling per fingerprint by default) and
// off (faultline), A B, B A, ... in the same rounds, with a local Sentry envelope receiver that
// counts the events and the sampling's summaries it gets.
//   node bench/sentry/sentry-storm.bench.js          (BENCH_ROUNDS, BENCH_DURATION as in bench/run.js)
//   node bench/sentry/sentry-storm.bench.js --json   prints the result as JSON
// BENCH_NO_BUILD=1 measures dist/ as it is; BENCH_PORT (29400, and the next two: below the ephemeral range, which
// other runs' outgoing connections draw from) moves the ports.
const { createServer } = require('node:http');
const { join } = require('node:path');
const { gunzipSync } = require('node:zlib');
const { appEnv, build, median, ROOT, waitForPort } = require('../common');
const { alternatingRounds, measure, startProcess, stopLoadGenerators, ROUNDS, WARMUP } = require('../run');

const JSON_OUT = process.argv.includes('--json');
const BASE_PORT = Number(process.env.BENCH_PORT ?? 29400);

const log = (text) => (JSON_OUT ? process.stderr : process.stdout).write(text);

/** Sentry's ingest (and the alert webhook) stand-in: counts event items, summaries apart. */
function receiver(port) {
  const counts = { envelopes: 0, events: 0, summaries: 0, alerts: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      if (req.url.includes('/envelope')) {
        counts.envelopes++;
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const lines = body.toString().split('\n').filter(Boolean);
        for (let i = 1; i + 1 < lines.length; i += 2) {
          if (JSON.parse(lines[i]).type !== 'event') continue;
          const event = JSON.parse(lines[i + 1]);
          if (typeof event.message === 'string' && event.message.startsWith('Sentry sampling left out')) {
            counts.summaries++;
          } else counts.events++;
        }
      } else if (req.url.startsWith('/alerts')) counts.alerts++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, counts })));
}

/** Stops the app gracefully (SIGUSR2, see bench/apps/faultline-sentry.ts) and waits (at most 10 s) until it has exited. */
function stopGracefully(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGUSR2');
  });
}

async function main() {
  if (process.env.BENCH_NO_BUILD !== '1') build();
  const sentry = await receiver(BASE_PORT);
  const variants = ['faultline-sentry', 'faultline'].map((id, i) => {
    const port = BASE_PORT + 1 + i;
    const child = startProcess(join(ROOT, 'dist/bench/apps', `${id}.js`), port, appEnv(id, BASE_PORT));
    return { id, port, child };
  });
  const boom = { id: 'boom', path: '/boom', status: 500 };
  try {
    await Promise.all(variants.map((v) => waitForPort(v.port, v.child, v.id)));
    for (const v of variants) await measure(v, boom, WARMUP);
    const rounds = await alternatingRounds(variants, boom, (round, v, r) =>
      log(
        `round ${round} ${v.id.padEnd(16)} /boom ${Math.round(r.rps)} req/s ${r.cpuUsPerRequest.toFixed(0)} us CPU/req\n`,
      ),
    );
    // A graceful stop ends the sampling's window: its summaries are sent before the app exits.
    await stopGracefully(variants[0].child);
    const on = (r) => r['faultline-sentry'];
    const off = (r) => r.faultline;
    const result = {
      rounds,
      requestsWithSentry: rounds.reduce((n, r) => n + on(r).requests, 0),
      received: { ...sentry.counts },
      onRps: median(rounds.map((r) => on(r).rps)),
      offRps: median(rounds.map((r) => off(r).rps)),
      rpsRatio: median(rounds.map((r) => on(r).rps / off(r).rps)),
      cpuRatio: median(rounds.map((r) => on(r).cpuUsPerRequest / off(r).cpuUsPerRequest)),
    };
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      log(
        `\nGET /boom, Sentry on vs off (median of ${ROUNDS} rounds): req/s ${result.rpsRatio.toFixed(2)}x, ` +
          `CPU per request ${result.cpuRatio.toFixed(2)}x; the receiver got ${result.received.events} events ` +
          `and ${result.received.summaries} summaries (at shutdown) for ${result.requestsWithSentry} failures\n`,
      );
    }
  } finally {
    stopLoadGenerators();
    for (const v of variants) if (v.child.exitCode === null) v.child.kill();
    sentry.server.closeAllConnections();
    sentry.server.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
