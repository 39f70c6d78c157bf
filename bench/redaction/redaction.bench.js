'use strict';
// Redactor against fast-redact on the same ~1.5 KB request-log object: ops/s of producing the
// redacted JSON line. Run: npm run bench:redaction  (builds the library first)
const fastRedact = require('fast-redact');
const { Redactor } = require('nestjs-faultline');
const { requestLog, PATHS, SECRETS } = require('./request-log');

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_MS = Number(process.env.ROUND_MS ?? 1000);

const sample = requestLog();
const size = Buffer.byteLength(JSON.stringify(sample));

const fast = fastRedact({ paths: PATHS, censor: '[REDACTED]' });
const redactor = new Redactor();
const redactorWithPaths = new Redactor({ paths: PATHS.map((p) => p.replace(/\["(.+)"\]/, '.$1')) });

const candidates = {
  'fast-redact (explicit paths)': () => fast(requestLog()),
  'Redactor (deep keys + value detectors)': () => JSON.stringify(redactor.redact(requestLog())),
  'Redactor (same paths too)': () => JSON.stringify(redactorWithPaths.redact(requestLog())),
  'baseline: JSON.stringify only': () => JSON.stringify(requestLog()),
};

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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
for (const run of Object.values(candidates)) opsPerSecond(run); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(candidates)) results[name].push(opsPerSecond(run));
}

const fastOps = median(results['fast-redact (explicit paths)']);
console.log(`object: ${size} bytes as JSON; ${ROUNDS} rounds of ${ROUND_MS} ms, medians; node ${process.version}`);
console.log('| redactor | ops/s | vs fast-redact |');
console.log('| --- | --- | --- |');
for (const [name, xs] of Object.entries(results)) {
  const ops = median(xs);
  console.log(`| ${name} | ${Math.round(ops).toLocaleString('en')} | ${(ops / fastOps).toFixed(2)}x |`);
}
module.exports = { results };
