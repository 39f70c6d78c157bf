import type { FieldError } from './field-error.interface';
import type { MessageParams } from './message-template';

/** What a mapper makes of an exception: the status, code and client-safe message. */
export interface MappedError {
  /** HTTP status (400-599). Anything else becomes 500. */
  status: number;
  /** Stable UPPER_SNAKE code. */
  code: string;
  /**
   * A message that may be shown to clients when the error is exposed. For statuses of 500 and
   * above a fixed message from the catalog is shown instead, unless `expose` is true.
   */
  message?: string;
  /**
   * The key of a catalog text (`messages`) that says `message` in other languages; the builder
   * shows that text, in the negotiated language, instead of `message` when the catalog has it.
   * @default undefined (`message` is shown as it is)
   */
  messageKey?: string;
  /** The values of that text's placeholders. Redacted with the text. */
  messageParams?: MessageParams;
  /**
   * Whether `message` may be shown.
   * @default status < 500
   */
  expose?: boolean;
  /** Field errors for the body's `errors` member; they must not carry rejected values. */
  fieldErrors?: FieldError[];
  /** Seconds for a `Retry-After` header. */
  retryAfterSeconds?: number;
  /** Extra client-facing members, shown only when the message is shown. */
  details?: Record<string, unknown>;
  /**
   * With `DEPENDENCY_UNAVAILABLE`: which dependency could not be reached (`postgres`, `redis`,
   * `database`, `network`, or your own name). It labels the failure's metric, groups its alerts
   * and is written on its log line; it is never shown to the client.
   */
  dependency?: string;
}

/** A constructor of an exception class; abstract classes are allowed. */
export type ExceptionType<T = unknown> = abstract new (...args: never[]) => T;

/**
 * Maps one class of exceptions (and its subclasses) to a {@link MappedError}.
 * Return `undefined` to let the mapper of the next class up the prototype chain decide.
 *
 * @example
 * const mapper: ExceptionMapper<AxiosError> = {
 *   type: AxiosError,
 *   map: (e) => ({ status: 502, code: 'BAD_GATEWAY' }),
 * };
 */
export interface ExceptionMapper<T = unknown> {
  /** The class this mapper handles, with every subclass that has no closer mapper. */
  type: ExceptionType<T>;
  /** Maps the exception, or returns undefined to defer to the parent class's mapper. */
  map(exception: T): MappedError | undefined;
}
