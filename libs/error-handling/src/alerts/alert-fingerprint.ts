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
