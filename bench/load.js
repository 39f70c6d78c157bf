'use strict';
// The load generator, run by the driver as a process of its own: autocannon against one URL,
// printing autocannon's result as JSON plus every response's latency in a 0.1 ms histogram, so
// the driver can pool the responses of all rounds before it takes a percentile.
//   node bench/load.js '{"url":"http://127.0.0.1:3000/ok","connections":50,"duration":4}'
// Optional: "method", "body" and "headers" ({ name: value }).
const autocannon = require('autocannon');

/** Latency histogram bucket width, in milliseconds. */
const BUCKET_MS = 0.1;

function main() {
  const options = JSON.parse(process.argv[2] ?? '{}');
  if (typeof options.url !== 'string') throw new Error('load.js: give the options as JSON, with a url');
  const buckets = new Map();
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.duration,
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
    },
    (err, result) => {
      if (err) throw err;
      const latencyBuckets = [...buckets].sort((a, b) => a[0] - b[0]);
      process.stdout.write(JSON.stringify({ ...result, latencyBuckets, bucketMs: BUCKET_MS }));
    },
  );
  instance.on('response', (_client, _status, _bytes, durationMs) => {
    const bucket = Math.round(durationMs / BUCKET_MS);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  });
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

if (require.main === module) main();
