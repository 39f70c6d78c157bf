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

/**
 * Path segments that lead off an object's own data into prototypes (`__proto__`,
 * `constructor.prototype`): paths holding one are never applied in place, only by the copying
 * walk, which reads own members only.
 */
export const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The in-place stringify for paths with `*`: censors each path in `value`, serializes, and puts
 * the originals back; `undefined` when that cannot be done (frozen objects, setters that refuse,
 * BigInts, cycles), for the caller to fall back to a redacted copy.
 */
export function stringifyPathsInPlace(
  value: unknown,
  paths: readonly (readonly string[])[],
  censor: (original: unknown) => unknown,
): string | undefined {
  // Flat triples (owner, key, original), so restoring allocates nothing per path.
  const undo: unknown[] = [];
  try {
    for (let p = 0; p < paths.length; p++) censorPath(value, paths[p], 0, undo, censor);
    return JSON.stringify(value) ?? 'null';
  } catch {
    return undefined;
  } finally {
    restoreUndo(undo);
  }
}

function censorPath(
  node: unknown,
  path: readonly string[],
  i: number,
  undo: unknown[],
  censor: (original: unknown) => unknown,
): void {
  let owner = node;
  // Plain segments: walk straight down; a wildcard branches.
  for (; i < path.length - 1; i++) {
    if (owner === null || typeof owner !== 'object') return;
    const segment = path[i];
    if (segment === '*') {
      for (const key of Object.keys(owner))
        censorPath((owner as Record<string, unknown>)[key], path, i + 1, undo, censor);
      return;
    }
    owner = (owner as Record<string, unknown>)[segment];
  }
  if (owner === null || typeof owner !== 'object') return;
  const target = owner as Record<string, unknown>;
  const last = path[i];
  if (last === '*') {
    for (const key of Object.keys(target)) censorMember(target, key, undo, censor);
  } else if (Object.prototype.hasOwnProperty.call(target, last)) {
    censorMember(target, last, undo, censor);
  }
}

function censorMember(
  owner: Record<string, unknown>,
  key: string,
  undo: unknown[],
  censor: (original: unknown) => unknown,
): void {
  const original = owner[key];
  undo.push(owner, key, original);
  owner[key] = censor(original);
}

/**
 * Puts back what an in-place walk censored: `undo` holds flat triples (owner, key, original),
 * restored last first.
 */
export function restoreUndo(undo: readonly unknown[]): void {
  for (let i = undo.length - 3; i >= 0; i -= 3) {
    try {
      (undo[i] as Record<string, unknown>)[undo[i + 1] as string] = undo[i + 2];
    } catch {
      // Nothing was changed where assignment fails.
    }
  }
}
