import { Redactor } from '../redaction/redactor';
import type { AlertMessage } from './alert.interface';
import { mailHtml, mailSubject, mailText, slackText } from './alert-format';
import { failureFingerprint, normalisePath } from '../kernel/failure-fingerprint';
import { buildAlertMessage, cutStack } from './alert-message';

const ctx = {
  redactor: new Redactor(),
  service: 'orders',
  environment: 'production',
  stackLimit: 200,
  textLimit: 100,
};

function message(over: Partial<AlertMessage> = {}): AlertMessage {
  return { ...buildAlertMessage({ title: 'Payment failed', message: 'a <b> & "c"\nd' }, 'fp', ctx), ...over };
}

describe('alert messages', () => {
  it('escapes Slack mrkdwn and keeps each field on one line', () => {
    const text = slackText(message({ stack: 'Error: x\n```\n<!channel>' }));
    expect(text).toContain('*Message:* a &lt;b&gt; &amp; "c" d');
    expect(text).not.toContain('<!channel>');
    expect(text.match(/```/g)).toHaveLength(2);
  });

  it('escapes HTML in mail bodies and keeps subjects on one line', () => {
    const m = message({ title: 'x\r\nBcc: evil@example.com' });
    expect(mailSubject(m, '[alert] ')).toBe('[alert] [orders] error: x Bcc: evil@example.com');
    expect(mailHtml(m)).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(mailText(m)).toContain('Message: a <b> & "c" d');
  });

  it('cuts a long stack to its limit, keeping the first line and the end', () => {
    const stack = `TypeError: bad\n${Array.from({ length: 50 }, (_, i) => `    at frame${i} (file.js:${i}:1)`).join('\n')}`;
    const cut = cutStack(stack, 200);
    expect(cut.startsWith('TypeError: bad\n')).toBe(true);
    expect(cut.endsWith('at frame49 (file.js:49:1)')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(230);
  });

  it('redacts secrets in every text of the alert', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlktSldUIn0.c2lnbmF0dXJlLWNhbmFyeS1qd3Q';
    const m = buildAlertMessage(
      {
        title: `t ${jwt}`,
        message: `m ${jwt}`,
        path: '/x?token=abc',
        request: { headers: { authorization: 'Bearer xyz' }, body: { password: 'hunter2' } },
        details: { apiKey: 'k-123' },
      },
      'fp',
      { ...ctx, textLimit: 2000 },
    );
    const all = JSON.stringify(m);
    for (const secret of [jwt, 'abc', 'xyz', 'hunter2', 'k-123']) expect(all).not.toContain(secret);
  });

  it('keeps request ids as they are, like the log line, even one the card detector would take', () => {
    const requestId = 'e4d24685-9e42-4f96-b409-455917660972';
    expect(buildAlertMessage({ title: 't', requestId }, 'fp', ctx).requestId).toBe(requestId);
  });

  it('fingerprints by method, route template or normalised path, and error class', () => {
    expect(normalisePath('/orders/42/items/0b8f6c6e-2b6a-4a53-9d2e-3f3a4b5c6d7e?x=1')).toBe(
      '/orders/:id/items/:id',
    );
    expect(failureFingerprint('GET', '/orders/:id', '/orders/1', 'TypeError')).toBe(
      'GET /orders/:id TypeError',
    );
    expect(failureFingerprint('GET', undefined, '/orders/7', 'Error')).toBe('GET /orders/:id Error');
  });
});
