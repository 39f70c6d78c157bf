'use strict';
// The load generator, a process of its own beside the apps: autocannon against one URL at a
// time, giving autocannon's result plus req/s counted from the responses themselves and every
// response's latency in a 0.1 ms histogram, so the driver can pool the responses of all rounds
// before it takes a percentile.
//   node bench/load.js '{"url":"http://127.0.0.1:3000/ok","connections":50,"duration":4}'
//   node bench/load.js --serve   one JSON request a line on stdin, one JSON result a line out
// Options: "url", "connections", "duration" (seconds, fractions too), and optionally "method",
// "body" and "headers" ({ name: value }).
const autocannon = require('autocannon');
const readline = require('node:readline');

/** Latency histogram bucket width, in milliseconds. */
const BUCKET_MS = 0.1;
/** autocannon checks its deadline once a sample: every 100 ms, so fractions of a second work. */
const SAMPLE_MS = 100;

/** Runs autocannon once; resolves with its result, `rps` and `latencyBuckets`. */
function load(options) {
  if (typeof options.url !== 'string') throw new Error('load.js: give the options as JSON, with a url');
  const buckets = new Map();
  let responses = 0;
  let started = 0n;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.duration,
        sampleInt: SAMPLE_MS,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const latencyBuckets = [...buckets].sort((a, b) => a[0] - b[0]);
        resolve({ ...result, rps: responses / seconds, latencyBuckets, bucketMs: BUCKET_MS });
      },
    );
    instance.on('start', () => (started = process.hrtime.bigint()));
    instance.on('response', (_client, _status, _bytes, durationMs) => {
      responses++;
      const bucket = Math.round(durationMs / BUCKET_MS);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    });
  });
}

async function main() {
  if (process.argv[2] !== '--serve') {
    process.stdout.write(JSON.stringify(await load(JSON.parse(process.argv[2] ?? '{}'))));
    return;
  }
  // One request at a time, in order: the driver waits for each result before the next.
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    let reply;
    try {
      reply = await load(JSON.parse(line));
    } catch (err) {
      reply = { error: String(err?.stack ?? err) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

/**
 * The value at `quantile` (0.99 for p99) of latency histograms merged: [bucket, count] pairs of
 * `bucketMs`-wide buckets. In milliseconds.
 */
function pooledPercentile(histograms, quantile, bucketMs = BUCKET_MS) {
  const merged = new Map();
  for (const histogram of histograms)
    for (const [bucket, count] of histogram) merged.set(bucket, (merged.get(bucket) ?? 0) + count);
  const sorted = [...merged].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return NaN;
  const rank = Math.ceil(quantile * total);
  let seen = 0;
  for (const [bucket, count] of sorted) {
    seen += count;
    if (seen >= rank) return Math.round(bucket * bucketMs * 10) / 10;
  }
  return sorted[sorted.length - 1][0] * bucketMs;
}

module.exports = { pooledPercentile };

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
}
