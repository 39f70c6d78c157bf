import type { FatalLogLine } from '../kernel/signals';
import type { Alert } from './alert.interface';

/**
 * The alert for a `fatal` line (`kind: 'fatal-log'`, critical): titled by the line's message, with
 * the error's class, message and stack and the requestId when the line has them. The line is
 * redacted already; the alert's texts pass the Redactor again when the message is built.
 */
export function fatalAlert(line: FatalLogLine): Alert {
  const err = line.fields.err as Record<string, unknown> | undefined;
  const errMessage = typeof err?.message === 'string' && err.message !== '' ? err.message : undefined;
  return {
    kind: 'fatal-log',
    severity: 'critical',
    title: `Fatal: ${line.message}`.slice(0, 200),
    message: errMessage === undefined ? line.message : `${line.message}: ${errMessage}`,
    errorClass: typeof err?.type === 'string' ? err.type : undefined,
    stack: typeof err?.stack === 'string' ? err.stack : undefined,
    requestId: typeof line.fields.requestId === 'string' ? line.fields.requestId : undefined,
  };
}
