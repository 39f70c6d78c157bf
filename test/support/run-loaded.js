#!/usr/bin/env node
// Runs the whole test suite (`npm test`, with any arguments passed on) while busy loops keep
// every core at 100 %, so a test that depends on how fast the machine is fails here first.
// The loops are started and stopped by this script, and each stops by itself after
// LOADED_MAX_MINUTES (default 30) even if this script is killed.
'use strict';
const { spawn } = require('node:child_process');
const { availableParallelism } = require('node:os');
const { join } = require('node:path');

const cores = Number(process.env.LOADED_BUSY_LOOPS) || availableParallelism();
const maxMs = (Number(process.env.LOADED_MAX_MINUTES) || 30) * 60_000;
const root = join(__dirname, '..', '..');

const loopSource = `const end = Date.now() + ${maxMs}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x ^= i; }`;
const loops = Array.from({ length: cores }, () =>
  spawn(process.execPath, ['-e', loopSource], { stdio: 'ignore' }),
);
const stopLoops = () => {
  for (const loop of loops) if (loop.exitCode === null) loop.kill('SIGKILL');
};
process.on('exit', stopLoops);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopLoops();
    process.exit(130);
  });
}

process.stdout.write(`[test:loaded] ${cores} busy loop(s) running, at most ${maxMs / 60_000} min\n`);
const started = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tests = spawn(npm, ['test', '--', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const deadline = setTimeout(() => {
  process.stderr.write(`[test:loaded] the suite ran past ${maxMs / 60_000} min: stopping it\n`);
  tests.kill('SIGTERM');
}, maxMs);
tests.on('exit', (code, signal) => {
  clearTimeout(deadline);
  stopLoops();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`[test:loaded] finished in ${seconds} s under load: ${signal ?? `exit ${code}`}\n`);
  process.exit(code ?? 1);
});
