import { codeForStatus, isErrorStatus } from './error-codes';
import type { ExceptionMapper, ExceptionType, MappedError } from './exception-mapper.interface';
import { safeGet, safePrototypeOf } from '../kernel/safe-access';

type MapFn = (exception: unknown) => MappedError | undefined;

/** Told when a mapper throws: what it threw and the class it maps. */
export type MapperErrorHandler = (error: unknown, type: ExceptionType) => void;

interface RegisteredMapper {
  type: ExceptionType;
  map: MapFn;
}

const INTERNAL: MappedError = Object.freeze({ status: 500, code: 'INTERNAL_ERROR', expose: false });

/**
 * Resolves any thrown value to a {@link MappedError}.
 *
 * Lookup walks the exception's prototype chain from its own class upwards, so the most specific
 * registered class wins and a mapper for `Error` is the catch-all. At each class, mappers the
 * user registered are tried before the built-in one; a mapper may return `undefined` to defer.
 * A mapper that throws defers too: the next mapper decides (the built-in one of the same class,
 * then those of parent classes), exactly as if the throwing mapper were not registered.
 * Values that are not objects, and objects no mapper accepts, resolve to 500 `INTERNAL_ERROR`.
 */
export class ExceptionRegistry {
  private readonly user = new Map<unknown, RegisteredMapper[]>();
  private readonly builtIn = new Map<unknown, RegisteredMapper[]>();

  /**
   * @param builtIns mappers that user mappers of the same class win over
   * @param userMappers the `mappers` option; for one class, the first listed is tried first
   */
  constructor(builtIns: readonly ExceptionMapper[] = [], userMappers: readonly ExceptionMapper[] = []) {
    for (const m of [...builtIns].reverse()) this.add(this.builtIn, m);
    for (const m of [...userMappers].reverse()) this.add(this.user, m);
  }

  /**
   * Registers a user mapper. It wins over the built-in mapper of the same class; mappers
   * registered later for the same class are tried first.
   */
  register<T>(type: ExceptionType<T>, map: (exception: T) => MappedError | undefined): this {
    this.add(this.user, { type, map: map as MapFn });
    return this;
  }

  /**
   * Resolves `exception`; never throws. A mapper that throws is skipped and `onMapperError` is
   * told what it threw (the exception filter logs it).
   */
  resolve(exception: unknown, onMapperError?: MapperErrorHandler): MappedError {
    if ((typeof exception === 'object' && exception !== null) || typeof exception === 'function') {
      let proto = safePrototypeOf(exception);
      // A hostile Proxy can report an endless chain; real chains are short.
      for (let depth = 0; proto !== null && depth < 64; depth++) {
        const ctor = safeGet(proto, 'constructor');
        const mapped =
          this.tryAll(this.user.get(ctor), exception, onMapperError) ??
          this.tryAll(this.builtIn.get(ctor), exception, onMapperError);
        if (mapped) return mapped;
        proto = safePrototypeOf(proto);
      }
    }
    return INTERNAL;
  }

  private add(target: Map<unknown, RegisteredMapper[]>, mapper: ExceptionMapper): void {
    const list = target.get(mapper.type) ?? [];
    list.unshift({ type: mapper.type, map: mapper.map.bind(mapper) as MapFn });
    target.set(mapper.type, list);
  }

  private tryAll(
    list: RegisteredMapper[] | undefined,
    exception: unknown,
    onMapperError: MapperErrorHandler | undefined,
  ): MappedError | undefined {
    if (!list) return undefined;
    for (const mapper of list) {
      try {
        const result = mapper.map(exception);
        if (result) return normalize(result);
      } catch (error) {
        // A failing mapper must not break error handling: the next one decides.
        if (onMapperError) {
          try {
            onMapperError(error, mapper.type);
          } catch {
            // Reporting must not break resolution either.
          }
        }
      }
    }
    return undefined;
  }
}

/**
 * A mapper's result as every consumer (the filter, jobs, metrics labels, log lines) may use it: an
 * error status, an UPPER_SNAKE code, and a `dependency` that is a short name of letters, digits,
 * `.`, `_` and `-` (anything else is `other`).
 */
function normalize(mapped: MappedError): MappedError {
  const status = isErrorStatus(mapped.status) ? mapped.status : 500;
  const code =
    typeof mapped.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(mapped.code)
      ? mapped.code
      : codeForStatus(status);
  const dependency =
    mapped.dependency === undefined ||
    (typeof mapped.dependency === 'string' && /^[A-Za-z0-9._-]{1,40}$/.test(mapped.dependency))
      ? mapped.dependency
      : 'other';
  if (status === mapped.status && code === mapped.code && dependency === mapped.dependency) return mapped;
  return dependency === undefined ? { ...mapped, status, code } : { ...mapped, status, code, dependency };
}
