import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';
import ts from 'typescript';
import { Redactor } from '../redaction/redactor';
import { FAKE_SECRETS } from '../redaction/secret-fixtures.testing';
import { MAX_LINE_CHARS, MAX_SOURCE_BYTES, SourceExcerpts } from './source-excerpt';

const redactor = new Redactor();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-excerpt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `name` in the test's folder and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `count` numbered lines, `line 1` to `line <count>`. */
const numbered = (count: number): string =>
  Array.from({ length: count }, (_, i) => `line ${i + 1}`).join('\n');

const SERVICE = [
  'export class OrderService {',
  '  private readonly cache = new Map<string, number>();',
  '',
  '  total(id: string): number {',
  '    const cached = this.cache.get(id);',
  '    if (cached !== undefined) return cached;',
  '    throw new Error(`no order ${id}`);',
  '  }',
  '}',
  '',
].join('\n');
const THROW_LINE = 7;

/** The generated line and column of the compiled `throw`. */
function throwIn(js: string): [number, number] {
  const lines = js.split('\n');
  const index = lines.findIndex((l) => l.includes('throw new Error'));
  return [index + 1, lines[index].indexOf('throw') + 1];
}

describe('SourceExcerpts', () => {
  it('shows five lines before and after the line, the frame where it is', () => {
    const path = file('plain.ts', numbered(20));
    const excerpt = new SourceExcerpts().excerpt(path, 10, 3, redactor);
    expect(excerpt).toEqual({
      file: path,
      line: 10,
      column: 3,
      first: 5,
      lines: [
        'line 5',
        'line 6',
        'line 7',
        'line 8',
        'line 9',
        'line 10',
        'line 11',
        'line 12',
        'line 13',
        'line 14',
        'line 15',
      ],
    });
  });

  it('stops at the start and the end of the file', () => {
    const path = file('short.ts', numbered(4));
    const excerpts = new SourceExcerpts();
    expect(excerpts.excerpt(path, 2, 1, redactor)).toMatchObject({
      first: 1,
      lines: ['line 1', 'line 2', 'line 3', 'line 4'],
    });
    expect(excerpts.excerpt(path, 4, 1, redactor)).toMatchObject({
      first: 1,
      lines: ['line 1', 'line 2', 'line 3', 'line 4'],
    });
    expect(excerpts.excerpt(path, 5, 1, redactor)).toBeUndefined();
    expect(excerpts.excerpt(path, 0, 1, redactor)).toBeUndefined();
  });

  it('reads a frame given as a file: URL (ES modules)', () => {
    const path = file('esm.mts', numbered(3));
    expect(new SourceExcerpts().excerpt(pathToFileURL(path).href, 2, 1, redactor)).toMatchObject({
      file: path,
      lines: ['line 1', 'line 2', 'line 3'],
    });
  });

  describe('through source maps', () => {
    const compiled = (name: string, options: ts.CompilerOptions) =>
      ts.transpileModule(SERVICE, {
        fileName: `${name}.ts`,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, ...options },
      });

    it('maps a compiled frame to the .ts beside it, through the map its comment names', () => {
      const source = file('named.ts', SERVICE);
      const out = compiled('named', { sourceMap: true });
      const js = file('named.js', out.outputText);
      file('named.js.map', out.sourceMapText as string);
      expect(out.outputText).toContain('//# sourceMappingURL=named.js.map');
      const [line, column] = throwIn(out.outputText);

      const excerpt = new SourceExcerpts().excerpt(js, line, column, redactor);

      expect(excerpt).toMatchObject({ file: source, line: THROW_LINE, column: 5, first: 2 });
      expect(excerpt?.lines[THROW_LINE - 2]).toBe('    throw new Error(`no order ${id}`);');
      expect(excerpt?.generated).toEqual({ file: js, line, column });
    });

    it('finds <file>.js.map beside a compiled file without the comment', () => {
      file('sibling.ts', SERVICE);
      const out = compiled('sibling', { sourceMap: true });
      const js = file('sibling.js', out.outputText.replace(/\/\/# sourceMappingURL=.*/, ''));
      file('sibling.js.map', out.sourceMapText as string);
      expect(new SourceExcerpts().excerpt(js, ...throwIn(out.outputText), redactor)?.line).toBe(THROW_LINE);
    });

    it('uses the sources a map carries when the .ts is not on disk', () => {
      const out = compiled('gone', { sourceMap: true, inlineSources: true });
      const js = file('gone.js', out.outputText);
      file('gone.js.map', out.sourceMapText as string);
      const excerpt = new SourceExcerpts().excerpt(js, ...throwIn(out.outputText), redactor);
      expect(excerpt).toMatchObject({ file: join(dir, 'gone.ts'), line: THROW_LINE });
      expect(excerpt?.lines).toContain('    throw new Error(`no order ${id}`);');
    });

    it('reads an inline data: URL map, as @swc/jest writes it', () => {
      const source = join(dir, 'inline.ts');
      const out = transformSync(SERVICE, {
        filename: source,
        sourceMaps: 'inline',
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'commonjs' },
      });
      expect(out.code).toMatch(/\n\/\/# sourceMappingURL=data:application\/json;(charset=utf-8;)?base64,/);
      const js = file('inline.js', out.code);
      const excerpt = new SourceExcerpts().excerpt(js, ...throwIn(out.code), redactor);
      expect(excerpt).toMatchObject({ line: THROW_LINE });
      expect(excerpt?.lines[excerpt.line - excerpt.first]).toBe('    throw new Error(`no order ${id}`);');
    });

    it('shows the compiled lines when the map is broken or the source is gone', () => {
      const broken = file(
        'broken.js',
        'a();\nb();\nthrow new Error("x");\n//# sourceMappingURL=broken.js.map\n',
      );
      file('broken.js.map', '{"version":3,"sources":["broken.ts"],"mappings":"!!"}');
      expect(new SourceExcerpts().excerpt(broken, 3, 1, redactor)).toEqual({
        file: broken,
        line: 3,
        column: 1,
        first: 1,
        lines: ['a();', 'b();', 'throw new Error("x");', '//# sourceMappingURL=broken.js.map', ''],
      });
      const out = compiled('missing', { sourceMap: true });
      const js = file('missing.js', out.outputText);
      file('missing.js.map', out.sourceMapText as string);
      const [line, column] = throwIn(out.outputText);
      expect(new SourceExcerpts().excerpt(js, line, column, redactor)).toMatchObject({ file: js, line });
    });
  });

  describe('reads only what it should', () => {
    it('gives no excerpt for a missing file, a relative path or a location that is no file', () => {
      const excerpts = new SourceExcerpts();
      for (const where of [
        join(dir, 'nope.ts'),
        'src/app.ts',
        'node:internal/process/task_queues',
        '<anonymous>',
      ]) {
        expect(excerpts.excerpt(where, 1, 1, redactor)).toBeUndefined();
      }
    });

    it('reads code files only, whatever path a stack names', () => {
      const excerpts = new SourceExcerpts();
      for (const name of ['config.json', '.env', 'id_rsa', 'notes.txt']) {
        expect(excerpts.excerpt(file(name, 'password=x\n'), 1, 1, redactor)).toBeUndefined();
      }
      expect(excerpts.excerpt('/etc/passwd', 1, 1, redactor)).toBeUndefined();
      expect(excerpts.excerpt(dir, 1, 1, redactor)).toBeUndefined();
    });

    it('skips a file over 1 MB', () => {
      const big = file('big.js', `${'x'.repeat(MAX_SOURCE_BYTES)}\n`);
      expect(new SourceExcerpts().excerpt(big, 1, 1, redactor)).toBeUndefined();
    });

    it('does not show a line too long to scan whole (minified code)', () => {
      const path = file('min.js', `a();\n${'x'.repeat(MAX_LINE_CHARS + 1)}\nb();`);
      expect(new SourceExcerpts().excerpt(path, 2, 1, redactor)?.lines).toEqual([
        'a();',
        `[${MAX_LINE_CHARS + 1} characters not shown]`,
        'b();',
      ]);
    });
  });

  describe('redaction', () => {
    it('redacts a secret written in a source line', () => {
      const path = file(
        'secret.ts',
        ["const dbPassword = 'correct-horse-battery-staple';", "throw new Error('no database');"].join('\n'),
      );
      const excerpt = new SourceExcerpts().excerpt(path, 2, 1, redactor);
      expect(excerpt?.lines).toEqual(["const dbPassword = '[REDACTED]';", "throw new Error('no database');"]);
    });

    it.each(FAKE_SECRETS.map((s) => [s.label, s] as const))('redacts %s in a source line', (_, secret) => {
      const path = file('token.ts', `const value = \`${secret.text}\`;\nthrow new Error('x');\n`);
      const shown = new SourceExcerpts().excerpt(path, 2, 1, redactor)?.lines.join('\n');
      expect(shown).toContain("throw new Error('x');");
      expect(shown).not.toContain(secret.secret);
    });

    it('censors whole lines of a secret that spans lines and no line shows by itself', () => {
      const pem = FAKE_SECRETS.find((s) => s.detector === 'pem-private-key')?.text as string;
      expect(pem.split('\n').length).toBeGreaterThan(2);
      const path = file(
        'pem.ts',
        ['const a = 1;', `const key = \`${pem}\`;`, "throw new Error('x');"].join('\n'),
      );
      const lines =
        new SourceExcerpts().excerpt(path, 3 + pem.split('\n').length - 1, 1, redactor)?.lines ?? [];
      expect(lines[0]).toBe('const a = 1;');
      expect(lines[lines.length - 1]).toBe("throw new Error('x');");
      for (const part of pem.split('\n')) expect(lines.join('\n')).not.toContain(part.slice(0, 20));
      expect(lines).toHaveLength(pem.split('\n').length + 2);
    });

    it('returns markup in a source line as it is written (the page escapes it)', () => {
      const path = file('markup.ts', "const html = '<script>alert(1)</script>';");
      expect(new SourceExcerpts().excerpt(path, 1, 1, redactor)?.lines).toEqual([
        "const html = '<script>alert(1)</script>';",
      ]);
    });
  });

  describe('the cache', () => {
    it('keeps a bounded number of files, least recently used dropped first', () => {
      const excerpts = new SourceExcerpts(2);
      const paths = ['c1.ts', 'c2.ts', 'c3.ts'].map((n) => file(n, numbered(3)));
      for (const p of paths) excerpts.excerpt(p, 1, 1, redactor);
      expect(excerpts.cachedFiles).toBe(2);
    });

    it('reads a file again once it changed', () => {
      const excerpts = new SourceExcerpts();
      const path = file('changing.ts', 'before\n');
      expect(excerpts.excerpt(path, 1, 1, redactor)?.lines).toEqual(['before', '']);
      writeFileSync(path, 'after, longer\n');
      // A later modification time, whatever the file system's resolution.
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      expect(excerpts.excerpt(path, 1, 1, redactor)?.lines).toEqual(['after, longer', '']);
      unlinkSync(path);
      expect(excerpts.excerpt(path, 1, 1, redactor)).toBeUndefined();
    });
  });
});
