import { restoreUndo } from './compiled-paths';
import type { SensitiveKeyMatcher } from './sensitive-keys';

/** What the in-place stringify needs of the Redactor besides its key rules. */
export interface InPlaceHost {
  censorValue(value: unknown): string;
  /** A string as the copying walk would write it. */
  redactText(text: string): string;
  /** A number as the copying walk would write it (the censor for a card number). */
  redactNumber(value: number): unknown;
}

/** Thrown inside the walk when the value is not plain data: the caller makes a copy instead. */
const NOT_PLAIN = Symbol('not plain data');

/**
 * `JSON.stringify(redactor.redact(value))` without the copy, for plain data (objects with
 * `Object.prototype` or no prototype, arrays, strings, numbers, booleans, null, valid Dates):
 * what would differ in the copy (a sensitive member, a string with a secret, a card number) is
 * written into the value, `JSON.stringify` runs, and every original is put back, in a `finally`.
 * Anything the copy would change in shape (an Error, a Map, a class instance, a `toJSON`, a
 * function, a BigInt, a cycle, an array over `maxArrayLength`, nesting at
 * `maxDepth`) or a member that does not keep what is written (frozen, a getter, a setter that
 * stores something else) gives `undefined`, the value as it was, and the caller copies instead.
 */
export class InPlaceStringifier {
  constructor(
    private readonly keys: SensitiveKeyMatcher,
    private readonly host: InPlaceHost,
    private readonly maxDepth: number,
    private readonly maxArrayLength: number,
  ) {}

  /** The redacted JSON of `value`, or `undefined` when `value` is not plain data. */
  stringify(value: object): string | undefined {
    // An inherited toJSON or enumerable member (a polluted Object.prototype) would be seen by
    // JSON.stringify or by the for-in below.
    const root = Object.prototype as { toJSON?: unknown };
    if (root.toJSON !== undefined || Object.keys(root).length > 0) return undefined;
    const walk: Walk = { undo: [], ancestors: [], written: undefined };
    const undo = walk.undo;
    try {
      this.node(value, 0, walk);
      return JSON.stringify(value) ?? 'null';
    } catch {
      return undefined;
    } finally {
      restoreUndo(undo);
    }
  }

  /**
   * Censors one object or array. An object met again in another branch is walked again and
   * writes the same: its strings already replaced are recognised (`walk.written`) and kept, and a
   * sensitive member gets the censor again (HMAC mode, whose hash of a censored value would
   * differ, does not come here).
   */
  private node(node: object, depth: number, walk: Walk): void {
    const ancestors = walk.ancestors;
    if (depth >= this.maxDepth || ancestors.includes(node)) throw NOT_PLAIN;
    ancestors.push(node);
    const target = node as Record<string | number, unknown>;
    if (Array.isArray(node)) {
      const n = node.length;
      if (n > this.maxArrayLength) throw NOT_PLAIN;
      for (let i = 0; i < n; i++) this.member(target, i, target[i], depth, walk);
    } else {
      const proto: unknown = Object.getPrototypeOf(node);
      if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
      // for-in gives the own enumerable keys here (the prototype has none, checked in
      // stringify()), in the order of Object.keys, without allocating a key array.
      for (const key in target) {
        if (key === 'toJSON') throw NOT_PLAIN;
        const value = target[key];
        if (this.keys.matches(key)) replace(target, key, value, this.host.censorValue(value), walk);
        else this.member(target, key, value, depth, walk);
      }
    }
    ancestors.pop();
  }

  private member(
    owner: Record<string | number, unknown>,
    key: string | number,
    value: unknown,
    depth: number,
    walk: Walk,
  ): void {
    switch (typeof value) {
      case 'string': {
        if (walk.written?.has(value)) return;
        const redacted = this.host.redactText(value);
        if (redacted !== value) {
          replace(owner, key, value, redacted, walk);
          (walk.written ??= new Set()).add(redacted);
        }
        return;
      }
      case 'number': {
        const redacted = this.host.redactNumber(value);
        if (typeof redacted === 'string') replace(owner, key, value, redacted, walk);
        return;
      }
      case 'boolean':
      case 'undefined':
        return;
      case 'object':
        if (value === null) return;
        if (value instanceof Date) {
          if (Number.isNaN(value.getTime()) || Object.prototype.hasOwnProperty.call(value, 'toJSON')) {
            throw NOT_PLAIN;
          }
          return;
        }
        this.node(value, depth + 1, walk);
        return;
      default:
        // Functions, symbols and BigInts are written differently by the copy.
        throw NOT_PLAIN;
    }
  }
}

/** The state of one in-place walk. */
interface Walk {
  /** Flat triples (owner, key, original), so restoring allocates nothing per member. */
  readonly undo: unknown[];
  /** The objects above the one being walked, for cycles. */
  readonly ancestors: object[];
  /**
   * Strings written in place of strings, kept as they are when a shared object is met again (a
   * sensitive member met again just gets the censor again).
   */
  written: Set<string> | undefined;
}

function replace(
  owner: Record<string | number, unknown>,
  key: string | number,
  original: unknown,
  replacement: string,
  walk: Walk,
): void {
  walk.undo.push(owner, key, original);
  owner[key] = replacement;
  // A setter or a getter may keep something else: then only a copy is safe.
  if (owner[key] !== replacement) throw NOT_PLAIN;
}
