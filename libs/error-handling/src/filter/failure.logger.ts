import { Logger } from '@nestjs/common';
import type { MappedError } from '../errors/exception-mapper.interface';
import { describeType, safeString } from '../errors/safe-access';
import type { Redactor } from '../redaction/redactor';
import { messageOf } from './debug-info';

/** What the filter knows about a failure when it logs it. */
export interface FailureRecord {
  exception: unknown;
  mapped: MappedError;
  expected: boolean;
  requestId: string;
  method: string;
  path: string;
}

// Control characters (CR, LF, ESC, ...) are escaped so a crafted path or message cannot
// start a new log line or recolour the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Escapes control characters as `\uXXXX`. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Logs each failure exactly once: unexpected ones (5xx) at `error` with the stack, expected
 * 401 / 404 at `log` (info), other expected ones at `warn`.
 */
export class FailureLogger {
  private readonly logger = new Logger('Faultline');

  constructor(private readonly redactor: Redactor) {}

  log(f: FailureRecord): void {
    const { status, code } = f.mapped;
    const line = escapeControl(
      `${f.method} ${this.redactor.redactString(f.path)} ${status} ${code} requestId=${f.requestId} ` +
        `${describeType(f.exception)}: ${messageOf(f.exception, this.redactor)}`,
    );
    if (!f.expected) {
      const stack = safeString(f.exception, 'stack');
      this.logger.error(line, stack === undefined ? undefined : this.redactor.redactString(stack));
    } else if (status === 401 || status === 404) {
      this.logger.log(line);
    } else {
      this.logger.warn(line);
    }
  }

  /** The filter itself failed: logged with both errors, at `error`. */
  filterFailed(original: unknown, filterError: unknown, requestId: string | undefined): void {
    this.logger.error(
      escapeControl(
        `exception filter failed requestId=${requestId ?? '-'} while handling ${describeType(original)}: ` +
          `${describeType(filterError)}: ${messageOf(filterError, this.redactor)}`,
      ),
      this.redactor.redactString(safeString(filterError, 'stack') ?? ''),
    );
  }
}
