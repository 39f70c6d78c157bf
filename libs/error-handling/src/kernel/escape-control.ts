// Control characters (CR, LF, ESC, …) are escaped so a crafted path, header or message
// cannot start a new log line or recolour the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Escapes control characters as `\uXXXX`. */
export function escapeControl(text: string): string {
  return HAS_CONTROL.test(text)
    ? text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

/** A V8 stack frame line: `    at fn (file:1:2)`. */
const STACK_FRAME = /^\s+at /;

/**
 * A stack for output that prints it as it is (Nest's stack argument, pino-pretty's `stack`).
 * Only the trailing run of frame lines keeps its line breaks; everything before it
 * (`Type: message`, text a client may have crafted, however many lines it has, fake frames
 * included) is escaped into one line. Every line then starts indented with `at` or is part of
 * that one line, so no line of the stack can pass for a log line or recolour the terminal.
 */
export function escapeStackHead(stack: string): string {
  if (!HAS_CONTROL.test(stack)) return stack;
  const lines = stack.split('\n');
  let firstFrame = lines.length;
  while (firstFrame > 0 && STACK_FRAME.test(lines[firstFrame - 1])) firstFrame--;
  const head = escapeControl(lines.slice(0, firstFrame).join('\n'));
  const frames = lines.slice(firstFrame).map((line) => escapeControl(line));
  return [head, ...frames].join('\n');
}
