#!/usr/bin/env node
'use strict';
// Builds the library (libs/error-handling) in both module formats:
//   dist/cjs  CommonJS, from tsconfig.lib.json (the project the sample app references)
//   dist/esm  ES modules, from tsconfig.esm.json (module es2022, moduleResolution bundler)
// The sources use extensionless relative imports, which Node's ES module loader does not
// resolve, so the ES build is post-processed: every relative specifier of an import, export or
// import() (and import('...') types in .d.ts) gets the `.js` or `/index.js` that names the
// emitted file; dist/esm/package.json says "type": "module"; kernel/peer-require.js gets
// `createRequire(import.meta.url)` for `createRequire(__filename)`. Specifiers are found with
// TypeScript's parser, so strings that merely look like imports are left alone.
//
// Usage: node scripts/build-lib.js [--clean]
//   --clean  removes dist/ and the build caches first, and fails on any CommonJS global left in
//            the ES build (what `npm pack` runs, as the package's prepack)
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const LIB = path.join(__dirname, '..', 'libs', 'error-handling');
const DIST = path.join(LIB, 'dist');
const CJS = path.join(DIST, 'cjs');
const ESM = path.join(DIST, 'esm');
/** Build caches: kept out of dist/ so they never reach the package. */
const CACHE = path.join(LIB, '.cache');
const TSC = require.resolve('typescript/bin/tsc');

/** The one place in the sources that needs its CommonJS global replaced in the ES build. */
const PEER_REQUIRE = {
  file: 'kernel/peer-require.js',
  from: 'createRequire(__filename)',
  to: 'createRequire(import.meta.url)',
};

function main(argv) {
  const clean = argv.includes('--clean');
  const started = Date.now();
  if (clean) {
    fs.rmSync(DIST, { recursive: true, force: true });
    fs.rmSync(CACHE, { recursive: true, force: true });
  }

  tsc('-b', path.join(LIB, 'tsconfig.lib.json'));
  writeJson(path.join(CJS, 'package.json'), { type: 'commonjs' });

  // Always from scratch: the post-processing below must see every file as tsc wrote it.
  fs.rmSync(ESM, { recursive: true, force: true });
  tsc('-p', path.join(LIB, 'tsconfig.esm.json'));
  const rewritten = addExtensions(ESM);
  replaceOnce(path.join(ESM, PEER_REQUIRE.file), PEER_REQUIRE.from, PEER_REQUIRE.to);
  writeJson(path.join(ESM, 'package.json'), { type: 'module' });
  checkNoCommonJsGlobals(ESM, clean);
  done(started, `dist/cjs, dist/esm (${rewritten} specifiers completed)`);
}

function tsc(...args) {
  try {
    // Its output to stderr: stdout stays clean for `npm pack --json`, which runs this as prepack.
    execFileSync(process.execPath, [TSC, ...args], { cwd: LIB, stdio: ['ignore', 2, 2] });
  } catch {
    throw new Error(
      `build-lib: tsc ${args.map((a) => path.relative(process.cwd(), a) || a).join(' ')} failed (above)`,
    );
  }
}

function done(started, what) {
  process.stderr.write(`build-lib: ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Every file under `dir` whose name ends with one of `suffixes`. */
function filesUnder(dir, suffixes) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && suffixes.some((s) => entry.name.endsWith(s))) {
      found.push(path.join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return found.sort();
}

/**
 * The string literals that name a module in `source`: `import ... from '...'`, `import '...'`,
 * `export ... from '...'`, `import('...')` calls and `import('...')` types.
 */
function moduleSpecifiers(source) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0]);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The specifier that names the emitted file for the relative `specifier` written in `file`:
 * `./x` -> `./x.js` when x.js (x.d.ts for a declaration file) is there, `./x/index.js` when x
 * is a folder with one. Throws when neither exists: the build would ship a broken import.
 */
function completed(specifier, file) {
  const declaration = file.endsWith('.d.ts');
  const target = path.resolve(path.dirname(file), specifier);
  const exists = (base) => fs.existsSync(declaration ? `${base}.d.ts` : `${base}.js`);
  if (/\.(c|m)?js$|\.json$/.test(specifier)) {
    const base = specifier.endsWith('.json') ? target : target.replace(/\.(c|m)?js$/, '');
    if (specifier.endsWith('.json') ? fs.existsSync(target) : exists(base)) return specifier;
  }
  if (exists(target)) return `${specifier}.js`;
  if (exists(path.join(target, 'index'))) return `${specifier.replace(/\/$/, '')}/index.js`;
  throw new Error(
    `build-lib: ${path.relative(LIB, file)} imports '${specifier}', which names no emitted file`,
  );
}

/** Completes the relative specifiers of every .js and .d.ts under `dir`; returns how many changed. */
function addExtensions(dir) {
  let changed = 0;
  for (const file of filesUnder(dir, ['.js', '.d.ts'])) {
    const text = fs.readFileSync(file, 'utf8');
    const kind = file.endsWith('.d.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
    const edits = [];
    for (const literal of moduleSpecifiers(source)) {
      const specifier = literal.text;
      if (
        !specifier.startsWith('./') &&
        !specifier.startsWith('../') &&
        specifier !== '.' &&
        specifier !== '..'
      ) {
        continue;
      }
      const next = completed(specifier, file);
      if (next !== specifier) edits.push({ start: literal.getStart(source) + 1, end: literal.end - 1, next });
    }
    if (edits.length === 0) continue;
    let out = text;
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      out = out.slice(0, edit.start) + edit.next + out.slice(edit.end);
    }
    fs.writeFileSync(file, out);
    changed += edits.length;
  }
  return changed;
}

/** Replaces the one occurrence of `from` in `file`; fails the build if it is not there exactly once. */
function replaceOnce(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  const count = text.split(from).length - 1;
  if (count !== 1) {
    throw new Error(
      `build-lib: expected '${from}' once in ${path.relative(LIB, file)}, found it ${count} times. ` +
        `The ES module build needs it replaced with '${to}': update scripts/build-lib.js with the source.`,
    );
  }
  fs.writeFileSync(file, text.replace(from, to));
}

/**
 * Checks that the ES build uses no CommonJS global (`require`, `__filename`, `__dirname`): it
 * would throw a ReferenceError in an ES module app, and only when the feature that runs that
 * code is on. Optional peers load through kernel/peer-require. A release build (`--clean`, as
 * `npm pack` runs it) fails; a development build prints the uses.
 */
function checkNoCommonJsGlobals(dir, strict) {
  const globals = ['require', '__filename', '__dirname'];
  const problems = [];
  for (const file of filesUnder(dir, ['.js'])) {
    const text = fs.readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    // A file that declares a variable of that name (`const require = createRequire(...)`) uses its own.
    const declared = new Set();
    const collect = (node) => {
      if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name)) {
        declared.add(node.name.text);
      }
      ts.forEachChild(node, collect);
    };
    collect(source);
    const watched = new Set(globals.filter((name) => !declared.has(name)));
    const visit = (node) => {
      if (ts.isIdentifier(node) && watched.has(node.text) && isFreeReference(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        problems.push(`  ${path.relative(LIB, file)}:${line + 1}: ${node.text}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  if (problems.length > 0) {
    const message =
      `build-lib: the ES module build uses CommonJS globals, undefined in an ES module:\n${problems.join('\n')}\n` +
      `Load optional peers with loadPeer() / peerRequire from kernel/peer-require instead.`;
    if (strict) throw new Error(message);
    process.stderr.write(`${message}\n(a warning in a development build; \`npm pack\` fails on it)\n`);
  }
}

/** Whether `id` is a use of a variable (not a property name, a declaration or a label). */
function isFreeReference(id) {
  const parent = id.parent;
  if (!parent) return true;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) &&
    parent.name === id
  )
    return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  if (
    (ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent)) &&
    parent.name === id
  )
    return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  return true;
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `${error instanceof Error && error.message.startsWith('build-lib:') ? error.message : (error.stack ?? error)}\n`,
    );
    process.exitCode = 1;
  }
}

module.exports = { addExtensions, checkNoCommonJsGlobals };
