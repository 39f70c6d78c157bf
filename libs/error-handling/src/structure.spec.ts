import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The library's layering, read from the imports of its source files (specs and `*.testing.ts`
 * helpers left out), one node per top folder of src/ and one, `(root)`, for the files at the top
 * (the module, its options and the package's entry points, which assemble the features):
 *
 *   (root)                     assembles everything; nothing imports it
 *   filter, validation, audit, alerts, metrics, health, sentry, faults, jobs
 *                              features: may use the layers below, never each other (they talk
 *                              through the kernel's failure bus and signals)
 *   logging                    the request line, the root logger, log channels
 *   redaction                  the Redactor
 *   errors                     the error classes, codes, mappers and their registry
 *   kernel                     what every feature shares: request context and ids, the failure bus, signals,
 *                              option checks, the clock, timeouts, safe access, peer loading, tokens
 */
const SRC = __dirname;
const ROOT = '(root)';
/** Each layer may import only layers listed after it. */
const LAYERS = [
  [ROOT],
  ['filter', 'validation', 'audit', 'alerts', 'metrics', 'health', 'sentry', 'faults', 'jobs'],
  ['logging'],
  ['redaction'],
  ['errors'],
  ['kernel'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|testing)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? ROOT : parts[0];
}

interface Import {
  from: string;
  to: string;
  /** `file -> specifier`, to name in a failure. */
  where: string;
}

/** Every import between two folders of src/. */
function folderImports(): Import[] {
  const out: Import[] = [];
  for (const file of sources(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName);
      const from = folderOf(file);
      const to = folderOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (from !== to) out.push({ from, to, where: `${relative(SRC, file)} -> ${fileName}` });
    }
  }
  return out;
}

const layerOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));

describe('the layout of src/', () => {
  const imports = folderImports();

  it('puts every top folder in a layer', () => {
    const folders = new Set(imports.flatMap((i) => [i.from, i.to]));
    expect([...folders].filter((f) => layerOf(f) === -1)).toEqual([]);
  });

  it('has each layer import only the layers below it (so no feature imports another)', () => {
    const upward = imports.filter((i) => layerOf(i.to) <= layerOf(i.from));
    expect(upward.map((i) => i.where)).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const next = new Map<string, Set<string>>();
    for (const i of imports) next.set(i.from, (next.get(i.from) ?? new Set()).add(i.to));
    const onCycle = imports.filter((i) => {
      // A path back from the target to the importer closes a cycle.
      const seen = new Set([i.to]);
      const stack = [i.to];
      while (stack.length > 0) {
        const folder = stack.pop() as string;
        if (folder === i.from) return true;
        for (const n of next.get(folder) ?? []) {
          if (seen.has(n)) continue;
          seen.add(n);
          stack.push(n);
        }
      }
      return false;
    });
    expect(onCycle.map((i) => i.where)).toEqual([]);
  });

  it('finds the imports it checks', () => {
    // A check that reads no import would pass whatever the code does.
    expect(imports.some((i) => i.from === ROOT && i.to === 'filter')).toBe(true);
    expect(imports.some((i) => i.from === 'logging' && i.to === 'kernel')).toBe(true);
  });
});
