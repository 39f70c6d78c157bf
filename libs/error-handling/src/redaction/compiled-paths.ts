/**
 * Compiles explicit paths without wildcards into one function that censors them in place,
 * serializes, and restores the originals, the way fast-redact does. Segments are embedded as
 * JSON string literals, so no path can inject code. Strict mode makes a frozen object throw
 * instead of silently keeping its secret; the caller then falls back to a redacted copy.
 */
export type InPlaceStringify = (value: unknown, censor: (original: unknown) => unknown) => string;

export function compileInPlaceStringify(paths: readonly (readonly string[])[]): InPlaceStringify {
  const declarations: string[] = [];
  const censorSteps: string[] = [];
  const restoreSteps: string[] = [];
  paths.forEach((path, i) => {
    const last = JSON.stringify(path[path.length - 1]);
    declarations.push(`let owner${i}, original${i};`);
    const descend = path
      .slice(0, -1)
      .map(
        (segment) =>
          `if (node === null || typeof node !== 'object') break p${i}; node = node[${JSON.stringify(segment)}];`,
      )
      .join(' ');
    censorSteps.push(
      `p${i}: { let node = value; ${descend} ` +
        `if (node !== null && typeof node === 'object' && hasOwn(node, ${last})) { ` +
        `const original = node[${last}]; node[${last}] = censor(original); owner${i} = node; original${i} = original; } }`,
    );
    restoreSteps.unshift(`if (owner${i} !== undefined) owner${i}[${last}] = original${i};`);
  });
  const body = `'use strict';
    const hasOwn = Object.prototype.hasOwnProperty.call.bind(Object.prototype.hasOwnProperty);
    return function inPlaceStringify(value, censor) {
      ${declarations.join('\n')}
      try {
        ${censorSteps.join('\n')}
        const json = JSON.stringify(value);
        return json === undefined ? 'null' : json;
      } finally {
        ${restoreSteps.join('\n')}
      }
    };`;
  return new Function(body)() as InPlaceStringify;
}
