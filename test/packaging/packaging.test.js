'use strict';
// The package as npm publishes it: `npm pack` of libs/error-handling (its prepack builds from
// scratch), then the tarball's contents, its package.json, and the package loaded from a
// consumer folder both ways: require() gets the CommonJS build, import the ES module build,
// TypeScript `nodenext` finds the types of each, and Nest's dependency injection works on the
// ES module build (esm-smoke.mjs). No network: the consumer folder sees the repository's
// installed packages through symlinks, so every peer resolves to one copy.
// Run: npm run test:packaging (about 30 s; it rebuilds libs/error-handling/dist).
const nodeTest = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const LIB = path.join(ROOT, 'libs', 'error-handling');

let tmp;
/** `npm pack --json`'s description of the tarball: `filename`, `files` ({ path, size }), ... */
let packed;
/** Paths in the tarball, relative to the package folder. */
let files;
/** The consumer folder, and the package unpacked in its node_modules. */
let consumer;
let pkgDir;
let manifest;

nodeTest.before(() => {
  tmp = fs.mkdtempSync(path.join(tmpdir(), 'faultline-packaging-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: LIB,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 180_000,
  });
  [packed] = JSON.parse(out);
  files = packed.files.map((f) => f.path).sort();

  consumer = path.join(tmp, 'consumer');
  const modules = path.join(consumer, 'node_modules');
  pkgDir = path.join(modules, 'nestjs-faultline');
  fs.mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(tmp, packed.filename), '-C', pkgDir, '--strip-components=1']);
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === 'nestjs-faultline' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
  fs.writeFileSync(path.join(consumer, 'package.json'), '{ "name": "consumer", "private": true }\n');
  manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
});

nodeTest.after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `node args...` in the consumer folder; returns its stdout. */
function node(args, options = {}) {
  return execFileSync(process.execPath, args, {
    cwd: consumer,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    ...options,
  });
}

nodeTest.test('the tarball holds both builds, README.md, LICENSE and package.json, and nothing else', () => {
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/cjs/index.js',
    'dist/cjs/index.d.ts',
    'dist/cjs/instrument.js',
    'dist/cjs/instrument.d.ts',
    'dist/cjs/package.json',
    'dist/esm/index.js',
    'dist/esm/index.d.ts',
    'dist/esm/instrument.js',
    'dist/esm/instrument.d.ts',
    'dist/esm/package.json',
  ]) {
    assert.ok(files.includes(file), `${file} is in the tarball`);
  }
  const unexpected = files.filter(
    (f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !/^dist\/(cjs|esm)\//.test(f),
  );
  assert.deepEqual(unexpected, []);
  assert.deepEqual(
    files.filter((f) => /\.tsbuildinfo$|\.spec\.|\.testing\./.test(f)),
    [],
    'no build cache, test or test-helper file',
  );
  assert.match(fs.readFileSync(path.join(pkgDir, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(pkgDir, 'dist/esm/package.json'), 'utf8')), {
    type: 'module',
  });
});

nodeTest.test('every source map and sourceMappingURL points at files in the tarball', () => {
  const missing = [];
  for (const file of files.filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(fs.readFileSync(path.join(pkgDir, file), 'utf8'));
    for (const source of map.sources) {
      const target = path.posix.normalize(
        path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source),
      );
      if (!files.includes(target)) missing.push(`${file}: ${source}`);
    }
  }
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(path.join(pkgDir, file), 'utf8'));
    if (url && !url[1].startsWith('data:')) {
      const target = path.posix.join(path.posix.dirname(file), url[1]);
      if (!files.includes(target)) missing.push(`${file}: ${url[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

nodeTest.test(
  'package.json: exports with types for import and require, main, types, sideEffects, engines',
  () => {
    const exists = (target) => fs.existsSync(path.join(pkgDir, target));
    assert.deepEqual(Object.keys(manifest.exports), ['.', './instrument', './package.json']);
    for (const [subpath, entry] of [
      ['.', 'index'],
      ['./instrument', 'instrument'],
    ]) {
      assert.deepEqual(manifest.exports[subpath], {
        import: { types: `./dist/esm/${entry}.d.ts`, default: `./dist/esm/${entry}.js` },
        require: { types: `./dist/cjs/${entry}.d.ts`, default: `./dist/cjs/${entry}.js` },
      });
      for (const condition of Object.values(manifest.exports[subpath])) {
        for (const target of Object.values(condition)) assert.ok(exists(target), `${target} exists`);
      }
    }
    assert.ok(exists(manifest.main) && exists(manifest.types), 'main and types exist');
    assert.deepEqual(manifest.sideEffects, ['./dist/cjs/instrument.js', './dist/esm/instrument.js']);
    assert.equal(manifest.engines.node, '>=20.19');
  },
);

nodeTest.test('require() gets the CommonJS build, for the package and its instrument entry', () => {
  const out = node([
    '-e',
    `const f = require('nestjs-faultline');
     require('nestjs-faultline/instrument');
     console.log(JSON.stringify({
       main: require.resolve('nestjs-faultline'),
       instrument: require.resolve('nestjs-faultline/instrument'),
       module: typeof f.ErrorHandlingModule,
     }));`,
  ]);
  const result = JSON.parse(out);
  assert.equal(result.main, path.join(fs.realpathSync(pkgDir), 'dist/cjs/index.js'));
  assert.equal(result.instrument, path.join(fs.realpathSync(pkgDir), 'dist/cjs/instrument.js'));
  assert.equal(result.module, 'function');
});

nodeTest.test('import gets the ES module build, and loads nothing of the CommonJS build', () => {
  const out = node([
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module';
     const f = await import('nestjs-faultline');
     await import('nestjs-faultline/instrument');
     const cjs = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('nestjs-faultline'));
     console.log(JSON.stringify({
       main: import.meta.resolve('nestjs-faultline'),
       instrument: import.meta.resolve('nestjs-faultline/instrument'),
       module: typeof f.ErrorHandlingModule,
       cjs,
     }));`,
  ]);
  const result = JSON.parse(out);
  assert.match(result.main, /\/node_modules\/nestjs-faultline\/dist\/esm\/index\.js$/);
  assert.match(result.instrument, /\/node_modules\/nestjs-faultline\/dist\/esm\/instrument\.js$/);
  assert.equal(result.module, 'function');
  assert.deepEqual(result.cjs, []);
});

nodeTest.test('Nest dependency injection works on the ES module build (esm-smoke.mjs)', () => {
  fs.copyFileSync(path.join(__dirname, 'esm-smoke.mjs'), path.join(consumer, 'esm-smoke.mjs'));
  let out;
  try {
    out = node(['esm-smoke.mjs']);
  } catch (error) {
    assert.fail(`esm-smoke.mjs failed:\n${error.stdout}\n${error.stderr}`);
  }
  const line = out.split('\n').find((l) => l.startsWith('esm-smoke: '));
  assert.ok(line, `esm-smoke.mjs printed its result:\n${out}`);
  const result = JSON.parse(line.slice('esm-smoke: '.length));
  assert.equal(result.ok, true, out);
});

nodeTest.test('the published types import only required peers and Node built-ins', () => {
  const allowed = new Set([
    ...Object.keys(manifest.peerDependencies).filter((p) => !manifest.peerDependenciesMeta?.[p]?.optional),
    ...Object.keys(manifest.dependencies ?? {}),
    // Optional peers whose types the options use: MetricsOptions.registry is prom-client's
    // Registry, LoggingOptions takes pino's options and streams. An app without them needs
    // skipLibCheck (on in what `nest new` generates).
    'prom-client',
    'pino',
    'nestjs-pino',
  ]);
  const imported = new Map();
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (const file of files.filter((f) => f.endsWith('.d.ts'))) {
    const text = fs.readFileSync(path.join(pkgDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [, specifier] of text.matchAll(pattern)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      if (!allowed.has(name)) imported.set(name, [...(imported.get(name) ?? []), file]);
    }
  }
  assert.deepEqual(Object.fromEntries(imported), {});
});

nodeTest.test('TypeScript nodenext finds the types for import (.mts) and require (.cts)', () => {
  const source = `import { ErrorHandlingModule, NotFoundError } from 'nestjs-faultline';
import 'nestjs-faultline/instrument';
export const dynamicModule = ErrorHandlingModule.forRoot({ problemTypeBaseUrl: 'https://errors.example.com' });
export const error: Error = new NotFoundError('Thing', '42');
`;
  fs.writeFileSync(path.join(consumer, 'app.mts'), source);
  fs.writeFileSync(path.join(consumer, 'app.cts'), source);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let out;
  try {
    out = node([
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--experimentalDecorators',
      '--emitDecoratorMetadata',
      // No skipLibCheck: the package's declarations are checked too, so an import in them that
      // does not resolve under nodenext fails here rather than turning a type into any.
      '--noUncheckedSideEffectImports',
      '--types',
      'node',
      '--explainFiles',
      'app.mts',
      'app.cts',
    ]);
  } catch (error) {
    assert.fail(`tsc failed:\n${error.stdout}\n${error.stderr}`);
  }
  for (const types of [
    'dist/esm/index.d.ts',
    'dist/esm/instrument.d.ts',
    'dist/cjs/index.d.ts',
    'dist/cjs/instrument.d.ts',
  ]) {
    assert.ok(out.includes(`node_modules/nestjs-faultline/${types}`), `tsc read ${types}`);
  }
});
