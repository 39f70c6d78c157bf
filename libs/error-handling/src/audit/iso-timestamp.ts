// `Date#toISOString()` costs an audit event more than building the event, and the event needs it
// twice: for its log line and for its stored row. The text up to the seconds is the same for
// every event of that second, so it is made once a second and the milliseconds are appended.

/** 10000-01-01T00:00:00.000Z: from there the year has more than four digits. */
const MAX_FOUR_DIGIT_YEAR = 253_402_300_800_000;
/** `000Z` to `999Z`. */
const MILLISECONDS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `date.toISOString()`, with the text up to the seconds made once a second. A date before 1970
 * or after 9999 (whose text has another shape) is formatted by `toISOString()` itself.
 *
 * @throws RangeError for an invalid date, as `toISOString()` does.
 * @example
 * isoTimestamp(new Date(0)); // '1970-01-01T00:00:00.000Z'
 */
export function isoTimestamp(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= 0 && ms < MAX_FOUR_DIGIT_YEAR)) return date.toISOString();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    cachedSecond = second;
  }
  return cachedPrefix + MILLISECONDS[ms - second * 1000];
}
