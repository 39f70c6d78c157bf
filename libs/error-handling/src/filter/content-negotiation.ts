import Negotiator from 'negotiator';

/** The representations a problem can be written in. */
export type ProblemFormat = 'json' | 'html' | 'text';

const MEDIA_TYPES = ['application/problem+json', 'application/json', 'text/html', 'text/plain'];
const FORMAT_BY_TYPE: Readonly<Record<string, ProblemFormat>> = {
  'application/problem+json': 'json',
  'application/json': 'json',
  'text/html': 'html',
  'text/plain': 'text',
};

/**
 * Picks the format from an `Accept` header: JSON unless the client prefers HTML or plain text.
 * A missing header, `*\/*`, or no acceptable match gives JSON.
 */
export function negotiateFormat(accept: string | string[] | undefined): ProblemFormat {
  if (accept === undefined || accept === '' || accept === '*/*') return 'json';
  if (typeof accept === 'string' && accept.startsWith('application/json') && !accept.includes(','))
    return 'json';
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  const best = new Negotiator({ headers: { accept: header } }).mediaType(MEDIA_TYPES);
  return best ? FORMAT_BY_TYPE[best] : 'json';
}

/**
 * Picks a language from `Accept-Language` among `available` (lower-case tags). A regional tag
 * matches its language (`ko-KR` -> `ko`). Falls back to `fallback`.
 */
export function negotiateLanguage(
  acceptLanguage: string | string[] | undefined,
  available: readonly string[],
  fallback: string,
): string {
  if (!acceptLanguage) return fallback;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  const preferred = new Negotiator({ headers: { 'accept-language': header } }).languages();
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower === '*') return fallback;
    if (available.includes(lower)) return lower;
    const primary = lower.split('-')[0];
    if (available.includes(primary)) return primary;
  }
  return fallback;
}
