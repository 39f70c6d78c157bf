import { describeType, MAX_CAUSES, safeGet, safeString } from '../kernel/safe-access';
import type { Redactor } from '../redaction/redactor';
import type { ProblemDebugInfo } from './problem-details.interface';
import type { HttpRequestLike } from './http-request.interface';
import { isFrameLine } from './stack-frame';

const MAX_STACK_LINES = 50;

/**
 * What the debug page needs beside the body's members, kept out of the body (nothing here is
 * serialised): the redactor for the source lines it shows, and where each stack's frames begin.
 */
const redactors = new WeakMap<ProblemDebugInfo, Redactor>();
const frameStarts = new WeakMap<readonly string[], number>();

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
  const info: ProblemDebugInfo = {
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
  redactors.set(info, redactor);
  return info;
}

/** The redactor that built a debug member, for what the debug page adds (source lines). */
export function redactorOf(debug: ProblemDebugInfo): Redactor | undefined {
  return redactors.get(debug);
}

/**
 * The frame lines of a stack built here: the lines after its `Type: message` header, which a
 * message can make look like frames (`\n    at x (/etc/x.js:1:1)`). For a stack from elsewhere,
 * the `at …` lines that end it.
 */
export function frameLinesOf(stack: readonly string[]): readonly string[] {
  let start = frameStarts.get(stack);
  if (start === undefined) {
    start = stack.length;
    while (start > 0 && isFrameLine(stack[start - 1])) start--;
  }
  return stack.slice(start);
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
  if (!stack) return [];
  const header = headerOf(value, stack);
  if (header === undefined) return redactor.redactString(stack).split('\n').slice(0, MAX_STACK_LINES);
  // The header and the frames apart, so the frames' first line is known after redaction too.
  const head = redactor.redactString(header).split('\n');
  const lines = [...head, ...redactor.redactString(stack.slice(header.length + 1)).split('\n')].slice(
    0,
    MAX_STACK_LINES,
  );
  frameStarts.set(lines, head.length);
  return lines;
}

/**
 * The `Type: message` text V8 begins a stack with (as `Error.prototype.toString()` writes it,
 * at the stack's first read), when the stack begins with it and frames follow.
 */
function headerOf(value: unknown, stack: string): string | undefined {
  const name = safeString(value, 'name') ?? 'Error';
  const message = safeString(value, 'message') ?? '';
  const header = name === '' ? message : message === '' ? name : `${name}: ${message}`;
  return stack.startsWith(`${header}\n`) && isFrameLine(stack.slice(header.length + 1, header.length + 200))
    ? header
    : undefined;
}
