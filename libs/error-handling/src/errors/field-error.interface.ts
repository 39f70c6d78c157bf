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
}

/** Escapes one path segment for a JSON Pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`). */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a {@link FieldError} from a field path given as segments. */
export function fieldError(path: readonly string[], code: string, detail: string): FieldError {
  return {
    pointer: path.length === 0 ? '#' : `#/${path.map(escapePointerSegment).join('/')}`,
    field: path.join('.'),
    code,
    detail,
  };
}
