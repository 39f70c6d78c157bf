import type { Logger } from 'pino';
import { escapeControl } from '../kernel/escape-control';
import type { LoggingRuntime } from '../logging/logging-runtime';
import { logLine } from '../logging/request-line';
import { currentRequestLogger, LOGGER_REQUEST, type LoggedRequest } from '../kernel/request-context';

/** Nest's logger context, and the `context` field of Faultline's own lines about faults. */
export const FAULTLINE_CONTEXT = 'Faultline';

/** A line Faultline writes about a fault: fields already redacted. */
export type FaultFields = Record<string, unknown> & { err: Record<string, unknown> };

/**
 * Writes a fault line through Faultline's root pino logger (the request's requestId as a field,
 * not a binding, so the `fatal` listeners and the alert see it too).
 */
export function writeToPino(
  runtime: LoggingRuntime,
  level: 'error' | 'fatal',
  fields: FaultFields,
  message: string,
): void {
  const root: Logger = runtime.root;
  root[level](logLine({ context: FAULTLINE_CONTEXT, ...fields }), message);
}

/**
 * The id of the request being handled, when Faultline's request logging tracks it: the request
 * logger is in async-local storage, which Node keeps for `uncaughtException` and
 * `unhandledRejection` listeners too.
 */
export function currentRequestId(): string | undefined {
  const logger = currentRequestLogger() as unknown as Record<symbol, LoggedRequest | undefined> | undefined;
  const id = logger?.[LOGGER_REQUEST]?.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}

/**
 * One line for Nest's logger: the message, `key=value` fields and the redacted error's type and
 * message, control characters escaped so nothing in it can start a line of its own.
 */
export function nestLine(
  message: string,
  fields: Record<string, unknown>,
  err?: Record<string, unknown>,
): string {
  const parts = [message];
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  if (err) {
    const type = typeof err.type === 'string' ? err.type : 'Error';
    parts.push(`${type}: ${typeof err.message === 'string' ? err.message : ''}`);
  }
  return escapeControl(parts.join(' '));
}

/** The frame lines of a redacted stack (`    at …`), each escaped; undefined when it has none. */
export function stackFrames(err: Record<string, unknown>): string | undefined {
  if (typeof err.stack !== 'string') return undefined;
  const frames = err.stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => escapeControl(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}
