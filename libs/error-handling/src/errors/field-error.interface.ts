import type { MessageParams } from './message-template';

/**
 * One problem with one field of the request, following RFC 9457's multiple-problems
 * convention. It never carries the rejected value.
 */
export interface FieldError {
  /** A JSON Pointer into the request body, as a URI fragment: `#/items/0/name`. */
  pointer: string;
  /** The field path in dot notation: `items.0.name`. */
  field: string;
  /** A stable code for the rule that failed, for example `isNotEmpty`. */
  code: string;
  /** A human-readable explanation, without the rejected value. */
  detail: string;
  /**
   * The key of the catalogs' `fields` text that says `detail` in other languages, for example
   * `isNotEmpty`; without one (or when the negotiated catalog has no such text), `detail` is
   * shown as it is. Not sent to clients.
   */
  messageKey?: string;
  /**
   * The values of that text's placeholders besides `{field}`'s own: `{ field: 'title' }`,
   * `{ field: 'qty', min: '1' }`, and `each: 1` when the rule applies to each value of an array.
   * Never the rejected value. Not sent to clients.
   */
  messageParams?: MessageParams;
}

/** Escapes one path segment for a JSON Pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`). */
export function escapePointerSegment(segment: string): string {
  // Most names have neither: two scans where two replacements would build two strings.
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Builds a {@link FieldError} from a field path given as segments; `message` names the catalog
 * text that translates `detail`.
 *
 * @example
 * fieldError(['qty'], 'min', 'qty must not be less than 1', { key: 'min', params: { field: 'qty', min: 1 } })
 */
export function fieldError(
  path: readonly string[],
  code: string,
  detail: string,
  message?: { key: string; params?: MessageParams },
): FieldError {
  let pointer = '#';
  for (const segment of path) pointer += `/${escapePointerSegment(segment)}`;
  const error: FieldError = {
    pointer,
    field: path.length === 1 ? path[0] : path.join('.'),
    code,
    detail,
  };
  if (message !== undefined) {
    error.messageKey = message.key;
    if (message.params !== undefined) error.messageParams = message.params;
  }
  return error;
}
