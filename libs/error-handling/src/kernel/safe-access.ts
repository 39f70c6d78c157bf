/**
 * Reads from thrown values that may be hostile: getters that throw, Proxies whose traps throw,
 * objects whose `toString` throws. None of these helpers ever throws.
 */

/** Reads `value[key]`, or returns undefined when the read throws or `value` is not an object. */
export function safeGet(value: unknown, key: PropertyKey): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return undefined;
  }
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Reads a string property, or undefined when absent, not a string, or unreadable. */
export function safeString(value: unknown, key: PropertyKey): string | undefined {
  const v = safeGet(value, key);
  return typeof v === 'string' ? v : undefined;
}

/** `value instanceof type` that survives Proxies with throwing `getPrototypeOf` traps. */
export function safeInstanceOf(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** The prototype of `value`, or null when it cannot be read. */
export function safePrototypeOf(value: object): object | null {
  try {
    return Object.getPrototypeOf(value) as object | null;
  } catch {
    return null;
  }
}

/** A short description of any value's type, for logs: a class name, `string`, `null`, ... */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value;
  const proto = safePrototypeOf(value);
  const ctor = proto ? safeGet(proto, 'constructor') : undefined;
  const name = typeof ctor === 'function' ? safeString(ctor, 'name') : undefined;
  return name || 'Object';
}

/** How many causes of an error (`error.cause`, its cause, ...) a log line or debug body shows. */
export const MAX_CAUSES = 8;
