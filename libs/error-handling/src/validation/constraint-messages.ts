import type { ValidationError as ClassValidatorError } from '@nestjs/common';
import { englishFieldMessage, FIELD_MESSAGES, type FieldMessageKey } from '../errors/field-messages';
import { safeGet } from '../kernel/safe-access';

/** What the pipe reads of one of class-validator's `ValidationMetadata`. */
interface ConstraintMetadata {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** What the pipe reads of class-validator's `MetadataStorage`. */
interface MetadataStorage {
  getTargetValidationMetadatas(
    target: object,
    schema: string,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): ConstraintMetadata[];
}

/** A field text a rule may have, and the values its constraints give the text's placeholders. */
interface RuleText {
  key: FieldMessageKey;
  /** The values from the decorator's constraints; undefined when they cannot say this text. */
  values?: (constraints: readonly unknown[]) => Record<string, string> | undefined;
}

/** class-validator's own rendering of a constraint in a message (`constraintToString`). */
function constraintText(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'symbol') return String(value.description);
  return `${value as string}`;
}

/** A text whose one placeholder is the decorator's constraint number `index`. */
const valueAt = (key: FieldMessageKey, name: string, index = 0): readonly RuleText[] => [
  { key, values: (c) => ({ [name]: constraintText(c[index]) }) },
];

/** A text with `{min}` and `{max}` from the decorator's first two constraints. */
const range = (key: FieldMessageKey): RuleText => ({
  key,
  values: (c) => ({ min: constraintText(c[0]), max: constraintText(c[1]) }),
});

/**
 * The rules whose text has values of their own (or more than one text); every other rule of
 * FIELD_MESSAGES has the one text of its name and only `{field}` and `{each}`.
 */
const RULE_TEXTS: Readonly<Record<string, readonly RuleText[]>> = {
  equals: valueAt('equals', 'comparison'),
  notEquals: valueAt('notEquals', 'comparison'),
  isIn: valueAt('isIn', 'values'),
  isNotIn: valueAt('isNotIn', 'values'),
  isDivisibleBy: valueAt('isDivisibleBy', 'divisor'),
  max: valueAt('max', 'max'),
  min: valueAt('min', 'min'),
  minDate: valueAt('minDate', 'date'),
  maxDate: valueAt('maxDate', 'date'),
  contains: valueAt('contains', 'seed'),
  notContains: valueAt('notContains', 'seed'),
  isByteLength: [range('isByteLength')],
  // Length(min, max) says what is wrong: too short, too long, or (its own text) both bounds.
  isLength: [...valueAt('minLength', 'min', 0), ...valueAt('maxLength', 'max', 1), range('isLength')],
  maxLength: valueAt('maxLength', 'max'),
  minLength: valueAt('minLength', 'min'),
  matches: valueAt('matches', 'pattern'),
  isHash: valueAt('isHash', 'algorithm'),
  isEnum: valueAt('isEnum', 'values', 1),
  arrayContains: valueAt('arrayContains', 'values'),
  arrayNotContains: valueAt('arrayNotContains', 'values'),
  arrayMinSize: valueAt('arrayMinSize', 'min'),
  arrayMaxSize: valueAt('arrayMaxSize', 'max'),
  isInstance: [
    {
      key: 'isInstance',
      values: (c) => {
        const name: unknown = c[0] ? safeGet(c[0], 'name') : undefined;
        return typeof name === 'string' ? { type: name } : undefined;
      },
    },
  ],
};

/** The catalog text of a field error: its key, and the values of its placeholders. */
export interface FieldMessage {
  key: string;
  params: Record<string, string | number>;
}

/** A text a decorator's failure may be said in, and that text in English with its values. */
interface Candidate {
  english: string;
  text: FieldMessage;
}

/**
 * Finds the catalog text (`fields`) of each of class-validator's failed constraints, so that
 * the problem builder can say a field error in the client's language.
 *
 * class-validator's errors carry the message, not the decorator's values (`@Min(1)`'s 1), so
 * those are read from its metadata storage, for the class of the object that failed (an element
 * of a nested array: the class holding the array). A text is given only when the English one
 * rendered from those values is exactly the message class-validator wrote: a message of the
 * application's own (`message:`), a decorator Faultline does not know, or values it cannot read
 * keep no key, and the message is shown as written.
 */
export class ConstraintMessages {
  private readonly byClass = new WeakMap<object, readonly ConstraintMetadata[]>();
  private readonly candidates = new WeakMap<ConstraintMetadata, Map<string, readonly Candidate[]>>();

  /** @param storage class-validator's `getMetadataStorage()`; without one, only the rules that need no values */
  constructor(private readonly storage: MetadataStorage | undefined) {}

  /** From the class-validator package the pipe validates with (its `getMetadataStorage`). */
  static of(validatorPackage: unknown): ConstraintMessages {
    const get = safeGet(validatorPackage, 'getMetadataStorage');
    let storage: MetadataStorage | undefined;
    try {
      const found: unknown = typeof get === 'function' ? (get as () => unknown)() : undefined;
      storage =
        typeof safeGet(found, 'getTargetValidationMetadatas') === 'function'
          ? (found as MetadataStorage)
          : undefined;
    } catch {
      storage = undefined;
    }
    return new ConstraintMessages(storage);
  }

  /**
   * The text of the failed `rule` of `error` whose message is `message`, or undefined.
   * @param parent the error `error` is a child of, for an element of a nested array
   */
  describe(
    rule: string,
    message: string,
    error: ClassValidatorError,
    parent: ClassValidatorError | undefined,
  ): FieldMessage | undefined {
    if (rule === 'whitelistValidation' || rule === 'unknownValue') {
      const params: Record<string, string> =
        rule === 'whitelistValidation' ? { field: String(error.property) } : {};
      return englishFieldMessage(rule, params) === message ? { key: rule, params } : undefined;
    }
    const texts: readonly RuleText[] | undefined = Object.hasOwn(RULE_TEXTS, rule)
      ? RULE_TEXTS[rule]
      : Object.hasOwn(FIELD_MESSAGES, rule)
        ? [{ key: rule as FieldMessageKey }]
        : undefined;
    if (texts === undefined) return undefined;
    // An element of a nested array fails as a child of the array, with the array as its target.
    const element = isCollection(error.target);
    const owner = element ? parent?.target : error.target;
    const property = element ? parent?.property : error.property;
    if (typeof property !== 'string') return undefined;
    for (const metadata of this.metadataOf(owner)) {
      if (metadata.propertyName !== property || (metadata.name !== rule && metadata.type !== rule)) continue;
      for (const candidate of this.candidatesOf(metadata, rule, texts)) {
        if (candidate.english === message) return candidate.text;
      }
    }
    return undefined;
  }

  /**
   * The texts `rule` of a decorator may be said in, each with its English rendering: rendered
   * once per decorator and rule, since a decorator's values never change, and compared with the
   * message of every failure of it.
   */
  private candidatesOf(
    metadata: ConstraintMetadata,
    rule: string,
    texts: readonly RuleText[],
  ): readonly Candidate[] {
    let byRule = this.candidates.get(metadata);
    if (byRule === undefined) {
      byRule = new Map();
      this.candidates.set(metadata, byRule);
    }
    let found = byRule.get(rule);
    if (found === undefined) {
      const constraints = Array.isArray(metadata.constraints) ? metadata.constraints : [];
      const each = metadata.each === true;
      const rendered: Candidate[] = [];
      for (const text of texts) {
        const values = text.values ? text.values(constraints) : {};
        if (values === undefined) continue;
        const params: Record<string, string> = { field: metadata.propertyName, ...values };
        rendered.push({
          english: englishFieldMessage(text.key, params, each),
          text: { key: text.key, params: each ? { ...params, each: 1 } : params },
        });
      }
      found = rendered;
      byRule.set(rule, found);
    }
    return found;
  }

  /** The validation metadata of the class of `target`, inherited ones included, of every group. */
  private metadataOf(target: unknown): readonly ConstraintMetadata[] {
    const type = safeGet(target, 'constructor');
    if (this.storage === undefined || typeof type !== 'function') return [];
    let metadata = this.byClass.get(type);
    if (metadata === undefined) {
      try {
        metadata = this.storage.getTargetValidationMetadatas(type, '', true, false, undefined);
      } catch {
        metadata = [];
      }
      this.byClass.set(type, metadata);
    }
    return metadata;
  }
}

function isCollection(value: unknown): boolean {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}
