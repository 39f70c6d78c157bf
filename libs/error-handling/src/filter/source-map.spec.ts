import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { decodeMappings, mapLocationOf, SourceMapping } from './source-map';

const SOURCE = [
  "import { Injectable } from '@nestjs/common';",
  '',
  '/** A service, compiled by TypeScript in the test. */',
  '@Injectable()',
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

function compile(fileName = 'order.service.ts'): { js: string; map: string } {
  const out = ts.transpileModule(SOURCE, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: true,
      sourceMap: true,
    },
  });
  return { js: out.outputText, map: out.sourceMapText as string };
}

describe('decodeMappings', () => {
  it('decodes base64 VLQ segments, each relative to the one before', () => {
    // E = 2, C = 1, D = -1; the generated column starts again on every line, the rest do not.
    expect(decodeMappings('AAAA,EAAE;;ACCD')).toEqual([
      [
        [0, 0, 0, 0],
        [2, 0, 0, 2],
      ],
      [],
      [[0, 1, 1, 1]],
    ]);
  });

  it('reads values of more than one digit', () => {
    // gB: 0 with a continuation, then 1 << 5 = 32, that is +16.
    expect(decodeMappings('gBAAA')).toEqual([[[16, 0, 0, 0]]]);
  });

  it('leaves out segments without a source, and ignores name indexes', () => {
    expect(decodeMappings('A,CAACA')).toEqual([[[1, 0, 0, 1]]]);
  });

  it('throws on a character that is not base64 and on a value that does not end', () => {
    expect(() => decodeMappings('AA!A')).toThrow(/invalid mappings/);
    expect(() => decodeMappings('AAAg')).toThrow(/invalid mappings/);
    expect(() => decodeMappings('gggggggggA')).toThrow(/invalid mappings/);
  });
});

describe('SourceMapping', () => {
  it("maps every generated position as Node's own SourceMap does", () => {
    const { js, map } = compile();
    const mapping = SourceMapping.parse(map, '/srv/app/dist/order.service.js.map') as SourceMapping;
    const node = new SourceMap(JSON.parse(map));
    let compared = 0;
    js.split('\n').forEach((text, i) => {
      for (let column = 1; column <= text.length + 1; column++) {
        const expected = node.findEntry(i, column - 1) as {
          generatedLine?: number;
          originalLine: number;
          originalColumn: number;
        };
        // Node's entry may be the last of an earlier line; this mapping keeps to the line.
        if (expected.generatedLine !== i) continue;
        const actual = mapping.originalOf(i + 1, column);
        expect([i + 1, column, actual?.line, actual?.column]).toEqual([
          i + 1,
          column,
          expected.originalLine + 1,
          expected.originalColumn + 1,
        ]);
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(100);
  });

  it('maps the compiled throw to the line of the .ts that throws', () => {
    const { js, map } = compile();
    const lines = js.split('\n');
    const line = lines.findIndex((l) => l.includes('throw new Error')) + 1;
    const column = lines[line - 1].indexOf('throw') + 1;
    const original = SourceMapping.parse(map, '/srv/app/dist/order.service.js.map')?.originalOf(line, column);
    expect(original).toEqual({
      source: 'order.service.ts',
      path: '/srv/app/dist/order.service.ts',
      line: SOURCE.split('\n').findIndex((l) => l.includes('throw new Error')) + 1,
      column: 5,
    });
  });

  it('resolves sources against the map and its sourceRoot, and keeps sourcesContent', () => {
    const raw = (over: object) =>
      JSON.stringify({ version: 3, mappings: 'AAAA', sources: ['x.ts'], ...over });
    const at = (json: string) => SourceMapping.parse(json, '/srv/app/dist/x.js.map')?.originalOf(1, 1);

    expect(at(raw({ sources: ['../src/x.ts'] }))?.path).toBe('/srv/app/src/x.ts');
    expect(at(raw({ sourceRoot: '../src' }))).toMatchObject({
      source: '../src/x.ts',
      path: '/srv/app/src/x.ts',
    });
    expect(at(raw({ sourceRoot: '/abs/' }))?.path).toBe('/abs/x.ts');
    expect(at(raw({ sources: [pathToFileURL('/abs/dir/x.ts').href] }))?.path).toBe('/abs/dir/x.ts');
    expect(at(raw({ sources: ['webpack://app/./src/x.ts'] }))).toEqual({
      source: 'webpack://app/./src/x.ts',
      line: 1,
      column: 1,
    });
    expect(at(raw({ sourcesContent: ['const x = 1;'] }))?.content).toBe('const x = 1;');
  });

  it('maps a column before the first segment of a line to that segment, and an unmapped line to nothing', () => {
    const mapping = SourceMapping.parse(
      JSON.stringify({ version: 3, sources: ['a.ts'], mappings: 'KAAK;;' }),
      '/x/a.js.map',
    );
    expect(mapping?.originalOf(1, 1)).toMatchObject({ line: 1, column: 6 });
    expect(mapping?.originalOf(2, 1)).toBeUndefined();
    expect(mapping?.originalOf(9, 1)).toBeUndefined();
  });

  it('refuses what is not a v3 map with mappings', () => {
    for (const json of [
      'not json',
      'null',
      '{"version":2,"sources":[],"mappings":""}',
      '{"version":3,"sources":["a.ts"]}',
      '{"version":3,"sections":[]}',
      '{"version":3,"sources":["a.ts"],"mappings":"A!"}',
    ]) {
      expect(SourceMapping.parse(json, '/x/a.js.map')).toBeUndefined();
    }
  });
});

describe('mapLocationOf', () => {
  const file = '/srv/app/dist/main.js';

  it('reads an inline base64 map, as swc and tsc write it', () => {
    const json = '{"version":3}';
    const text = `x;\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(json).toString('base64')}\n`;
    expect(mapLocationOf(text, file)).toEqual({ json });
  });

  it('reads a percent-encoded inline map', () => {
    const json = '{"version":3,"x":"a b"}';
    expect(
      mapLocationOf(`x;\n//# sourceMappingURL=data:application/json,${encodeURIComponent(json)}`, file),
    ).toEqual({ json });
  });

  it('resolves a map path against the file, and a file: URL as it is', () => {
    expect(mapLocationOf('x;\n//# sourceMappingURL=main.js.map', file)).toEqual({
      path: join('/srv/app/dist', 'main.js.map'),
    });
    expect(mapLocationOf('x;\n//# sourceMappingURL=../maps/main.js.map\n', file)).toEqual({
      path: '/srv/app/maps/main.js.map',
    });
    expect(mapLocationOf('a{}\n/*# sourceMappingURL=main.css.map */', file)).toEqual({
      path: '/srv/app/dist/main.css.map',
    });
    expect(mapLocationOf(`x;\n//# sourceMappingURL=${pathToFileURL('/m/main.js.map').href}`, file)).toEqual({
      path: '/m/main.js.map',
    });
  });

  it('finds nothing in a file without the comment, a remote URL, a data URL of another type, or a string', () => {
    expect(mapLocationOf('x;\n', file)).toBeUndefined();
    expect(mapLocationOf('x;\n//# sourceMappingURL=https://cdn.example/main.js.map', file)).toBeUndefined();
    expect(mapLocationOf('x;\n//# sourceMappingURL=data:text/plain;base64,eA==', file)).toBeUndefined();
    expect(mapLocationOf(`const s = "//# sourceMappingURL=evil.map";`, file)).toBeUndefined();
  });
});
