import {
  Injectable,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError as ClassValidatorError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { hasPeer, loadPeer } from '../kernel/peer-require';
import { ValidationError } from '../errors/app.error';
import { type ErrorMessageKey, keyedMessage } from '../errors/error-messages';
import { fieldError, type FieldError } from '../errors/field-error.interface';
import { englishFieldMessage } from '../errors/field-messages';
import { check } from '../kernel/option-checks';
import { ConstraintMessages } from './constraint-messages';
import type { ValidationOptions } from './validation.options';
import { withoutStack } from '../kernel/without-stack';

/** The validation pipe's defaults. */
export const DEFAULT_VALIDATION: ValidationOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
};

/** The packages Nest's `ValidationPipe`, and so Faultline's, validates and transforms with. */
export const VALIDATION_PACKAGES = ['class-validator', 'class-transformer'] as const;

/** How the pipe's packages are looked for and loaded: Faultline's optional-peer loader. */
export interface ValidationPeers {
  /** Whether the package is installed. */
  has(name: string): boolean;
  /** Loads the package, or throws a `FaultlineConfigError` naming `option` and the package. */
  load(name: string, option: string): unknown;
}

const installedPeers: ValidationPeers = { has: hasPeer, load: loadPeer };

/** `validation` after defaults, and whether the pipe is on. */
export interface ResolvedValidation {
  /** The pipe's options, or `false` for no pipe. */
  options: false | ValidationOptions;
  /** When the pipe is off because a package is missing: the one start-up line saying so. */
  notice: string | undefined;
}

/**
 * Decides whether the global pipe is on. Left at its default, it is on only when
 * class-validator and class-transformer are installed: `nest new` projects have neither, and
 * Nest's `ValidationPipe` ends the process (`process.exit(1)`) when one is missing, so a
 * default must not need them. Asked for (`true` or an object), a missing package stops start-up
 * with a `FaultlineConfigError` naming `validation` and the package. A `validatorPackage` or
 * `transformerPackage` given in the options stands in for its package.
 */
export function resolveValidation(
  input: undefined | boolean | ValidationOptions,
  peers: ValidationPeers = installedPeers,
): ResolvedValidation {
  if (input === false) return { options: false, notice: undefined };
  const options: ValidationOptions = { ...DEFAULT_VALIDATION, ...(input === true ? {} : input) };
  const needed = neededPackages(options);
  if (input === undefined) {
    const missing = needed.filter((name) => !peers.has(name));
    if (missing.length > 0) {
      const verb = missing.length > 1 ? 'are' : 'is';
      return {
        options: false,
        notice:
          `validation is off: ${missing.join(' and ')} ${verb} not installed, so no global validation pipe ` +
          'is registered. Install class-validator and class-transformer to turn it on, or set validation: false ' +
          'to turn it off without this notice',
      };
    }
  } else {
    for (const name of needed) peers.load(name, 'validation');
  }
  return { options, notice: undefined };
}

/** The packages the pipe will load: those the options do not bring themselves. */
function neededPackages(options: ValidationOptions): string[] {
  return VALIDATION_PACKAGES.filter((name) =>
    name === 'class-validator' ? !options.validatorPackage : !options.transformerPackage,
  );
}

/** Default of `validation.maxDepth`: levels of nested objects and arrays. */
export const DEFAULT_VALIDATION_MAX_DEPTH = 32;
/** Default of `validation.maxNodes`: values in one body or query. */
export const DEFAULT_VALIDATION_MAX_NODES = 10_000;
/**
 * Largest `validation.maxDepth`: class-transformer and class-validator recurse a few frames a
 * level, and Node's default stack overflows somewhere past 2000 levels.
 */
const MAX_DEPTH_LIMIT = 1000;

/**
 * The global validation pipe (class-validator and class-transformer): whitelists DTO
 * properties, rejects unknown ones, transforms payloads to DTO instances, and turns failures
 * into a {@link ValidationError} whose field errors carry a JSON pointer, the rule and its
 * message, and never the rejected value. DESIGN.md's card calls it the "redaction pipe".
 *
 * Before any of that, a body or query is walked without recursion and rejected when it nests
 * deeper than `maxDepth` or holds more than `maxNodes` values, so a hostile body (JSON nested
 * 100,000 deep) is a 400, never a stack overflow.
 *
 * @throws FaultlineConfigError (`validation.maxDepth`, `validation.maxNodes`) for a limit that is
 * not a whole number in range.
 */
@Injectable()
export class FaultlineValidationPipe extends ValidationPipe {
  private readonly limits: ShapeLimits;
  /** The status of a validation failure: 400, or 422 with `errorStatus: 422`. */
  private readonly errorStatus: 400 | 422;

  constructor(options: ValidationOptions = {}) {
    const { maxDepth, maxNodes, errorStatus = 400, ...pipeOptions } = options;
    // Loaded here rather than by Nest, whose loader ends the process when one is missing:
    // this way a missing package is a FaultlineConfigError naming it.
    const validatorPackage =
      pipeOptions.validatorPackage ??
      loadPeer<NonNullable<ValidationPipeOptions['validatorPackage']>>('class-validator', 'validation');
    // Which catalog text says each failed constraint, in the client's language.
    const messages = ConstraintMessages.of(validatorPackage);
    super({
      ...pipeOptions,
      validatorPackage,
      transformerPackage:
        pipeOptions.transformerPackage ??
        loadPeer<NonNullable<ValidationPipeOptions['transformerPackage']>>('class-transformer', 'validation'),
      // `value` stays on so a `$value` interpolated into a message can be cut out again; `target`
      // so that the decorators' values (`@Min(1)`'s 1) are found for the catalogs' texts. Neither
      // leaves the pipe: a field error carries neither.
      validationError: { target: true, value: true },
      exceptionFactory: (errors) =>
        invalid('validation.invalidFields', toFieldErrors(errors, [], messages), errorStatus),
    });
    this.limits = shapeLimits(maxDepth, maxNodes);
    this.errorStatus = errorStatus;
  }

  /**
   * Checks the shape limits, then validates and transforms as Nest's `ValidationPipe` does. Not
   * an `async` method: Nest's promise is handed back as it is, where an `async` wrapper would add
   * a promise of its own and a turn to adopt Nest's (each promise of a request costs more again
   * while a request context is kept). A shape over the limits rejects, as it would from there.
   */
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      if (typeof value === 'object' && value !== null && this.checksShapeOf(metadata)) {
        const root = typeof metadata.data === 'string' && metadata.data !== '' ? [metadata.data] : [];
        checkShape(value, this.limits, root, this.errorStatus);
      }
      return super.transform(value, metadata) as Promise<unknown>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Bodies and queries always (the client's own input); other values when they are validated. */
  private checksShapeOf(metadata: ArgumentMetadata): boolean {
    return metadata.type === 'body' || metadata.type === 'query' || this.toValidate(metadata);
  }
}

/** The shape limits of the pipe, resolved: `validation.maxDepth` and `validation.maxNodes`. */
export interface ShapeLimits {
  /** Most levels of nested objects and arrays; the value itself is level 1. */
  maxDepth: number;
  /** Most values, every object, array and primitive counting one. */
  maxNodes: number;
}

function shapeLimits(maxDepth: unknown, maxNodes: unknown): ShapeLimits {
  const depth = maxDepth ?? DEFAULT_VALIDATION_MAX_DEPTH;
  check(
    Number.isInteger(depth) && (depth as number) >= 1 && (depth as number) <= MAX_DEPTH_LIMIT,
    'validation.maxDepth',
    `must be a whole number from 1 to ${MAX_DEPTH_LIMIT}, got ${String(maxDepth)}`,
    `For example ${DEFAULT_VALIDATION_MAX_DEPTH}`,
  );
  const nodes = maxNodes ?? DEFAULT_VALIDATION_MAX_NODES;
  check(
    Number.isSafeInteger(nodes) && (nodes as number) >= 1,
    'validation.maxNodes',
    `must be a whole number >= 1, got ${String(maxNodes)}`,
    `For example ${DEFAULT_VALIDATION_MAX_NODES}`,
  );
  return { maxDepth: depth as number, maxNodes: nodes as number };
}

/** One value still to visit; `parent` and `key` rebuild its path only when a limit is hit. */
interface Pending {
  value: unknown;
  depth: number;
  parent: Pending | undefined;
  key: string;
}

/**
 * Walks `value` in document order with an explicit stack: no recursion, so no depth can
 * overflow it, and the walk stops at the first value over a limit, so its cost is bounded by
 * `maxNodes`. Shared and cyclic references are visited again each time: the limits end that.
 *
 * @throws ValidationError with one field error (`maxDepth` or `maxNodes`) whose pointer is the
 * value where the limit was hit.
 */
export function checkShape(
  value: unknown,
  limits: ShapeLimits,
  root: readonly string[] = [],
  status: 400 | 422 = 400,
): void {
  const stack: Pending[] = [{ value, depth: 1, parent: undefined, key: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Pending;
    nodes += 1;
    if (nodes > limits.maxNodes) {
      throw shapeError('validation.tooManyValues', pathOf(item, root), 'maxNodes', limits.maxNodes, status);
    }
    if (!isContainer(item.value)) continue;
    if (item.depth > limits.maxDepth) {
      throw shapeError('validation.nestedTooDeeply', pathOf(item, root), 'maxDepth', limits.maxDepth, status);
    }
    // Every value from here on counts, so one more child than the budget already decides
    // (and names the value over the limit, in document order); the rest need no listing.
    const children = childrenOf(item.value, limits.maxNodes - nodes + 1);
    // Pushed last to first, so they are visited first to last.
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ value: children[i][1], depth: item.depth + 1, parent: item, key: children[i][0] });
    }
  }
}

/** Arrays and plain objects (what JSON and query parsers build); anything else is a leaf. */
function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** At most `max` entries of an array or plain object, in order. */
function childrenOf(value: object, max: number): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (Array.isArray(value)) {
    // Dense, as JSON makes them: by index, without listing keys. A hole means a sparse array
    // (a multipart `tags[4294967294]`), whose length says nothing: its keys are listed instead.
    const n = Math.min(value.length, max);
    let i = 0;
    for (; i < n && i in value; i++) out.push([String(i), value[i]]);
    if (i === n) return out;
    out.length = 0;
  }
  for (const key of Object.keys(value)) {
    if (out.length >= max) break;
    out.push([key, (value as Record<string, unknown>)[key]]);
  }
  return out;
}

function pathOf(item: Pending, root: readonly string[]): string[] {
  const path: string[] = [];
  for (let at: Pending | undefined = item; at?.parent; at = at.parent) path.push(at.key);
  return [...root, ...path.reverse()];
}

/** The failure of a shape limit: its message, and one field error (`maxNodes` or `maxDepth`) at `path`. */
function shapeError(
  message: ErrorMessageKey,
  path: string[],
  limit: 'maxNodes' | 'maxDepth',
  max: number,
  status: 400 | 422,
): ValidationError {
  const params = { max };
  return invalid(
    message,
    [fieldError(path, limit, englishFieldMessage(limit, params), { key: limit, params })],
    status,
  );
}

/** A validation failure whose message is `key`'s, with its field errors. */
function invalid(key: ErrorMessageKey, fieldErrors: FieldError[], status: 400 | 422): ValidationError {
  const { message, messageKey } = keyedMessage(key);
  // The client's mistake, not the code's: no stack into Nest's pipes (kernel/without-stack).
  return withoutStack(() => new ValidationError(message, fieldErrors, { status, messageKey }));
}

/**
 * Flattens class-validator's error tree into field errors with JSON pointers; with `messages`,
 * each names the catalog text that says it in other languages, when there is one.
 */
export function toFieldErrors(
  errors: readonly ClassValidatorError[],
  parent: readonly string[] = [],
  messages?: ConstraintMessages,
  parentError?: ClassValidatorError,
): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = [...parent, String(error.property)];
    const constraints = error.constraints;
    // Keys, not entries: no array of pairs for each constraint.
    for (const rule of constraints ? Object.keys(constraints) : []) {
      const message = (constraints as Record<string, string>)[rule];
      const text = messages?.describe(rule, message, error, parentError);
      out.push(
        fieldError(
          path,
          rule,
          withoutValue(message, error.value),
          text && { key: text.key, params: valuesWithoutValue(text.params, error.value) },
        ),
      );
    }
    if (error.children?.length) out.push(...toFieldErrors(error.children, path, messages, error));
  }
  return out;
}

/** A text's values with the rejected value cut out as from the message: the two say the same. */
function valuesWithoutValue(
  params: Record<string, string | number>,
  value: unknown,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const name of Object.keys(params)) {
    const text = params[name];
    out[name] = typeof text === 'string' ? withoutValue(text, value) : text;
  }
  return out;
}

/**
 * A custom message may interpolate `$value`; the rejected value is cut out again so it never
 * reaches a client or a log.
 */
function withoutValue(message: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return message;
  const text = String(value);
  return text.length >= 3 && message.includes(text) ? message.split(text).join('[value]') : message;
}
