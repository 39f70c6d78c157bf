'use strict';
// scripts/build-lib.js's post-processing of the ES module build, on small made-up outputs.
// Run: node --test test/packaging/build-lib.test.js (npm run test:packaging runs it too).
const nodeTest = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { addExtensions, checkNoCommonJsGlobals } = require('../../scripts/build-lib');

/** A folder with `files` ({ relative path: text }) written in it. */
function folder(files) {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'faultline-build-lib-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const read = (dir, name) => fs.readFileSync(path.join(dir, name), 'utf8');

nodeTest.test('completes relative specifiers of imports, exports and import() with .js or /index.js', () => {
  const dir = folder({
    'a.js': '',
    'a.d.ts': 'export type T = 1;\n',
    'lib/index.js': '',
    'lib/index.d.ts': '',
    'lib/c.js': '',
    'main.js': [
      "import { x } from './a';",
      "export * from './lib';",
      "export { y } from './lib/c.js';",
      "import '@nestjs/common';",
      "const m = () => import('./lib/c');",
      'const text = "import { z } from \'./missing\'";',
      "// from './also-missing'",
      '',
    ].join('\n'),
    'lib/c.d.ts': "export declare const y: import('../a').T;\nexport * from '.';\n",
  });
  try {
    assert.equal(addExtensions(dir), 5);
    assert.equal(
      read(dir, 'main.js'),
      [
        "import { x } from './a.js';",
        "export * from './lib/index.js';",
        "export { y } from './lib/c.js';",
        "import '@nestjs/common';",
        "const m = () => import('./lib/c.js');",
        'const text = "import { z } from \'./missing\'";',
        "// from './also-missing'",
        '',
      ].join('\n'),
    );
    assert.equal(
      read(dir, 'lib/c.d.ts'),
      "export declare const y: import('../a.js').T;\nexport * from './index.js';\n",
    );
    assert.equal(addExtensions(dir), 0, 'a second pass changes nothing');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

nodeTest.test('fails on a relative import that names no emitted file', () => {
  const dir = folder({ 'main.js': "import './gone';\n" });
  try {
    assert.throws(() => addExtensions(dir), /imports '\.\/gone', which names no emitted file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

nodeTest.test('finds CommonJS globals left in the ES build, not names that only look like them', () => {
  const dir = folder({
    'bad.js': "export const a = require('pg');\nexport const b = __dirname;\n",
    'fine.js': [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      "export const a = require('pg');",
      'export const o = { require: 1, __filename: 2 };',
      'export const p = o.require;',
      '',
    ].join('\n'),
  });
  try {
    assert.throws(
      () => checkNoCommonJsGlobals(dir, true),
      (error) => {
        assert.match(error.message, /bad\.js:1: require/);
        assert.match(error.message, /bad\.js:2: __dirname/);
        assert.doesNotMatch(error.message, /fine\.js/);
        return true;
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
