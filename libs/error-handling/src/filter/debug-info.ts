import { describeType, MAX_CAUSES, safeGet, safeString } from '../kernel/safe-access';
import type { Redactor } from '../redaction/redactor';
import type { ProblemDebugInfo } from './problem-details.interface';
import type { HttpRequestLike } from './http-request.interface';

const MAX_STACK_LINES = 50;

/** Builds the debug members of a problem body: stack, cause chain and the redacted request. */
export function buildDebugInfo(
  exception: unknown,
  req: HttpRequestLike,
  redactor: Redactor,
): ProblemDebugInfo {
  const causes: ProblemDebugInfo['causes'] = [];
  const seen = new Set<unknown>([exception]);
  let cause = safeGet(exception, 'cause');
  while (cause !== undefined && !seen.has(cause) && causes.length < MAX_CAUSES) {
    seen.add(cause);
    causes.push({
      exception: describeType(cause),
      message: messageOf(cause, redactor),
      stack: stackOf(cause, redactor),
    });
    cause = safeGet(cause, 'cause');
  }
  return {
    exception: describeType(exception),
    message: messageOf(exception, redactor),
    stack: stackOf(exception, redactor),
    causes,
    request: {
      method: String(req.method ?? ''),
      url: redactor.redactString(String(req.originalUrl ?? req.url ?? '')),
      headers: redactor.redact(req.headers ?? {}),
      query: redactor.redact(safeGet(req, 'query') ?? {}),
      body: redactor.redact(safeGet(req, 'body') ?? null),
    },
  };
}

/** The message of any thrown value, redacted; for non-errors a safe rendering of the value. */
export function messageOf(value: unknown, redactor: Redactor): string {
  const message = safeString(value, 'message');
  if (message !== undefined) return redactor.redactString(message);
  if (typeof value === 'string') return redactor.redactString(value);
  try {
    return redactor.redactString(JSON.stringify(redactor.redact(value)) ?? String(value));
  } catch {
    return `[${describeType(value)}]`;
  }
}

function stackOf(value: unknown, redactor: Redactor): string[] {
  const stack = safeString(value, 'stack');
  return stack ? redactor.redactString(stack).split('\n').slice(0, MAX_STACK_LINES) : [];
}
