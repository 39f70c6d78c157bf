const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC = /^\d+$/;

/** A path without its query, with numeric and UUID segments replaced by `:id`. */
export function normalisePath(path: string): string {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  return bare
    .split('/')
    .map((s) => (NUMERIC.test(s) || UUID.test(s) ? ':id' : s))
    .join('/');
}

/** Method + route template (or the normalised path) + error class. */
export function failureFingerprint(
  method: string | undefined,
  route: string | undefined,
  path: string | undefined,
  errorClass: string,
): string {
  return `${method ?? '-'} ${route ?? normalisePath(path ?? '-')} ${errorClass}`;
}

/** Compiles route patterns: a RegExp, or a string where `*` matches anything. */
export function compileRoutePatterns(patterns: readonly (string | RegExp)[]): RegExp[] {
  return patterns.map((p) =>
    typeof p === 'string'
      ? new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`)
      : new RegExp(p.source, p.flags.replace(/[gy]/g, '')),
  );
}

/** True when one of `candidates` (route template, path) matches one of `patterns`. */
export function matchesRoute(patterns: readonly RegExp[], candidates: readonly string[]): boolean {
  return patterns.length > 0 && candidates.some((c) => patterns.some((r) => r.test(c)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
