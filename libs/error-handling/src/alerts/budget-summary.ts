import type { BudgetSummary } from './alert-budget';
import type { AlertMessage } from './alert.interface';
import { type AlertMessageContext, buildAlertMessage } from './alert-message';

/** `s` after a count other than one. */
export function plural(count: number): string {
  return count === 1 ? '' : 's';
}

/**
 * The summary a channel receives when its budget's window ends: how many alerts were held back,
 * of how many fingerprints, and the few held back most. Redacted and cut like any alert.
 */
export function budgetSummaryMessage(s: BudgetSummary, ctx: AlertMessageContext): AlertMessage {
  const { heldBack, tally } = s;
  const fingerprints = tally.overflow ? `more than ${tally.fingerprints}` : String(tally.fingerprints);
  const fingerprint = `alert-budget ${s.channel}`;
  const message = buildAlertMessage(
    {
      kind: 'summary',
      severity: 'warning',
      title:
        `Alert budget of ${s.channel} used up: ${heldBack} more alert${plural(heldBack)} held back in ` +
        `${s.windowSeconds} s, of ${fingerprints} fingerprint${plural(tally.overflow ? 2 : tally.fingerprints)}`,
      fingerprint,
      details: { channel: s.channel, fingerprints },
    },
    fingerprint,
    ctx,
  );
  message.heldBack = heldBack;
  message.heldBackTop = tally.top.map((c) => ({
    fingerprint: cut(ctx.redactor.redactString(c.fingerprint), 500),
    title: cut(ctx.redactor.redactString(c.title), 300),
    count: c.count,
  }));
  return message;
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
