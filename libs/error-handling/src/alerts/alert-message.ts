import type { Redactor } from '../redaction/redactor';
import type { Alert, AlertMessage } from './alert.interface';

/** What {@link buildAlertMessage} needs besides the alert. */
export interface AlertMessageContext {
  redactor: Redactor;
  service: string;
  environment: string;
  stackLimit: number;
  /** Longest request data (as JSON) and message, in characters. */
  textLimit: number;
}

/** The redacted, size-limited message every channel renders. */
export function buildAlertMessage(alert: Alert, fingerprint: string, ctx: AlertMessageContext): AlertMessage {
  const r = ctx.redactor;
  const text = (value: string | undefined, limit = ctx.textLimit): string | undefined =>
    value === undefined ? undefined : cutStart(r.redactString(value), limit);
  const message: AlertMessage = {
    kind: alert.kind ?? 'custom',
    severity: alert.severity ?? 'error',
    title: text(alert.title, 300) ?? '',
    fingerprint: text(fingerprint, 500) ?? '',
    timestamp: new Date().toISOString(),
    service: ctx.service,
    environment: ctx.environment,
  };
  if (alert.code !== undefined) message.code = text(alert.code, 100);
  if (alert.errorClass !== undefined) message.errorClass = text(alert.errorClass, 200);
  if (alert.message !== undefined) message.message = text(alert.message);
  if (alert.method !== undefined) message.method = text(alert.method, 20);
  if (alert.path !== undefined) message.path = text(alert.path, 1000);
  if (alert.route !== undefined) message.route = text(alert.route, 500);
  if (typeof alert.status === 'number') message.status = alert.status;
  if (alert.userId !== undefined) message.userId = text(String(alert.userId), 200);
  if (alert.ip !== undefined) message.ip = text(alert.ip, 100);
  // Ids are kept as they are, as on the log line: a UUID can look like a card number.
  if (alert.requestId !== undefined) message.requestId = cutStart(String(alert.requestId), 200);
  if (alert.sentryEventId !== undefined) message.sentryEventId = cutStart(String(alert.sentryEventId), 100);
  if (alert.request !== undefined) {
    message.request = cutStart(JSON.stringify(r.redact(alert.request), null, 2) ?? 'null', ctx.textLimit);
  }
  if (alert.stack !== undefined) message.stack = cutStack(r.redactStack(alert.stack), ctx.stackLimit);
  if (alert.details !== undefined) message.details = r.redact(alert.details);
  return message;
}

/**
 * Cuts a stack to `limit` characters keeping its end (where a cause chain's root cause is), and
 * its first line (the type and message) when that fits.
 */
export function cutStack(stack: string, limit: number): string {
  if (stack.length <= limit) return stack;
  const firstBreak = stack.indexOf('\n');
  const head = firstBreak > 0 && firstBreak <= limit / 4 ? stack.slice(0, firstBreak + 1) : '';
  const marker = `    …[${stack.length - limit} chars cut]\n`;
  return head + marker + stack.slice(stack.length - (limit - head.length));
}

function cutStart(value: string, limit: number): string {
  return value.length <= limit ? value : `${value.slice(0, limit)}…[${value.length - limit} more chars]`;
}

/** The message's fields as label / value rows, in the order channels show them. */
export function messageRows(m: AlertMessage): [string, string][] {
  const rows: [string, string | number | undefined][] = [
    ['Code', m.code],
    ['Error', m.errorClass],
    ['Message', m.message],
    ['Status', m.status],
    [
      'Request',
      m.method !== undefined || m.path !== undefined ? `${m.method ?? ''} ${m.path ?? ''}`.trim() : undefined,
    ],
    ['Route', m.route],
    ['User', m.userId],
    ['IP', m.ip],
    ['Request id', m.requestId],
    ['Sentry event', m.sentryEventId],
    ['Held back', m.heldBack],
    ...(m.heldBackTop ?? []).map((c, i): [string, string] => [
      `Top ${i + 1}`,
      `${c.count} held back: ${c.title} [${c.fingerprint}]`,
    ]),
    ['Service', `${m.service} (${m.environment})`],
    ['Time', m.timestamp],
  ];
  if (m.details) {
    for (const [k, v] of Object.entries(m.details))
      rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return rows
    .filter((row): row is [string, string | number] => row[1] !== undefined)
    .map(([k, v]) => [k, String(v)]);
}
