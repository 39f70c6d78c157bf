'use strict';
// Redactor against fast-redact on the same ~1.5 KB request-log object: ops/s of producing the
// redacted JSON line. Run: npm run bench:redaction  (builds the library first)
// The first rows build the same object each time, as a service logs the same header values and
// messages again and again (the Redactor remembers strings it found clean); the "new strings"
// rows give every string a new tag each time, as request bodies are, so every string is scanned.
const fastRedact = require('fast-redact');
const { Redactor } = require('nestjs-faultline');
const { requestLog, freshRequestLog, PATHS, SECRETS } = require('./request-log');
const { median } = require('../common');

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_MS = Number(process.env.ROUND_MS ?? 1000);

const sample = requestLog();
const size = Buffer.byteLength(JSON.stringify(sample));

const fast = fastRedact({ paths: PATHS, censor: '[REDACTED]' });
const dotPaths = PATHS.map((p) => p.replace(/\["(.+)"\]/, '.$1'));
const samePaths = new Redactor({ paths: dotPaths, builtInKeys: false, builtInDetectors: false });
const deep = new Redactor();

let tag = 0;
const candidates = {
  'fast-redact (explicit paths)': () => fast(requestLog()),
  'Redactor (the same explicit paths)': () => samePaths.stringify(requestLog()),
  'Redactor (default: deep keys + value detectors)': () => deep.stringify(requestLog()),
  'baseline: JSON.stringify only': () => JSON.stringify(requestLog()),
  'fast-redact (explicit paths), new strings': () => fast(freshRequestLog(tag++)),
  'Redactor (default), new strings': () => deep.stringify(freshRequestLog(tag++)),
};
/** What each row is compared with: fast-redact on the same kind of object. */
const baselineOf = (name) =>
  name.endsWith('new strings') ? 'fast-redact (explicit paths), new strings' : 'fast-redact (explicit paths)';

for (const [name, run] of Object.entries(candidates)) {
  if (name.startsWith('baseline')) continue;
  const out = run();
  for (const secret of SECRETS) {
    if (out.includes(secret)) throw new Error(`${name} left a secret in its output: ${secret}`);
  }
}

function opsPerSecond(run) {
  let n = 0;
  let sink = 0;
  const end = process.hrtime.bigint() + BigInt(ROUND_MS) * 1_000_000n;
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 100; i++) sink += run().length;
    n += 100;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 0) throw new Error('nothing produced');
  return n / seconds;
}

const results = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
for (const run of Object.values(candidates)) opsPerSecond(run); // warm up
// Rotate the order every round so no candidate always runs first (or right after GC-heavy ones).
const entries = Object.entries(candidates);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < entries.length; k++) {
    const [name, run] = entries[(k + round) % entries.length];
    results[name].push(opsPerSecond(run));
  }
}

const vsFast = (name, xs) => median(xs) / median(results[baselineOf(name)]);
if (process.argv.includes('--json')) {
  const rows = Object.entries(results).map(([name, xs]) => ({
    name,
    opsPerSecond: median(xs),
    vsFastRedact: vsFast(name, xs),
  }));
  process.stdout.write(`${JSON.stringify({ bytes: size, rounds: ROUNDS, roundMs: ROUND_MS, rows })}\n`);
  process.exit(0);
}
console.log(
  `object: ${size} bytes as JSON; ${ROUNDS} rounds of ${ROUND_MS} ms, medians; node ${process.version}`,
);
console.log('| redactor | ops/s | vs fast-redact |');
console.log('| --- | --- | --- |');
for (const [name, xs] of Object.entries(results)) {
  const ops = median(xs);
  console.log(`| ${name} | ${Math.round(ops).toLocaleString('en')} | ${vsFast(name, xs).toFixed(2)}x |`);
}
module.exports = { results };
