import type { AlertMessage } from './alert.interface';
import { messageRows } from './alert-message';

/** Escapes text for Slack mrkdwn: `&`, `<` and `>` (so no link, mention or command can be made). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One line: line breaks and other control characters become spaces (for subjects and fields). */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** The title line channels lead with. */
export function headline(m: AlertMessage): string {
  const tag = m.kind === 'summary' ? 'summary' : m.severity;
  return `[${m.service}] ${tag}: ${m.title}`;
}

/** Slack mrkdwn text: fields escaped, one line each; the stack and request data in code blocks. */
export function slackText(m: AlertMessage): string {
  const lines = [`*${escapeSlack(oneLine(headline(m)))}*`];
  for (const [label, value] of messageRows(m)) lines.push(`*${label}:* ${escapeSlack(oneLine(value))}`);
  if (m.request) lines.push('*Request data:*', codeBlock(m.request));
  if (m.stack) lines.push('*Stack:*', codeBlock(m.stack));
  return lines.join('\n');
}

function codeBlock(text: string): string {
  // A fence inside would close the block early.
  return '```' + escapeSlack(text.replace(/```/g, "'''")) + '```';
}

/** An e-mail subject: one line, at most 200 characters; nothing can start another header. */
export function mailSubject(m: AlertMessage, prefix: string): string {
  const subject = oneLine(`${prefix}${headline(m)}`);
  return subject.length > 200 ? `${subject.slice(0, 199)}…` : subject;
}

/** The plain-text body of an e-mail. */
export function mailText(m: AlertMessage): string {
  const lines = [oneLine(headline(m)), ''];
  for (const [label, value] of messageRows(m)) lines.push(`${label}: ${oneLine(value)}`);
  if (m.request) lines.push('', 'Request data:', m.request);
  if (m.stack) lines.push('', 'Stack:', m.stack);
  return `${lines.join('\n')}\n`;
}

/** The HTML body of an e-mail: every value escaped. */
export function mailHtml(m: AlertMessage): string {
  const rows = messageRows(m)
    .map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const pre = (label: string, text: string | undefined) =>
    text ? `<h3>${label}</h3><pre>${escapeHtml(text)}</pre>` : '';
  return (
    `<h2>${escapeHtml(oneLine(headline(m)))}</h2><table>${rows}</table>` +
    pre('Request data', m.request) +
    pre('Stack', m.stack)
  );
}
