import { configErrorOf } from '../kernel/config-error.testing';
import { matchesRoute } from './alert-fingerprint';
import { resolveAlerts } from './resolve-alerts-options';

const prod = { NODE_ENV: 'production' };

function problem(input: unknown): string {
  return configErrorOf(() => resolveAlerts(input, prod)).message;
}

describe('resolveAlerts', () => {
  it('is inactive without a channel, and off with false', () => {
    expect(resolveAlerts(undefined, prod)).toMatchObject({
      active: false,
      channels: [],
      repeatLimit: 3,
      snoozeSeconds: 600,
    });
    expect(resolveAlerts(false, prod)).toBe(false);
  });

  it('is inactive under an excluded NODE_ENV (test by default)', () => {
    const slack = { slack: { webhookUrl: 'https://hooks.example.com/x' } };
    expect(resolveAlerts(slack, { NODE_ENV: 'test' })).toMatchObject({ active: false });
    expect(resolveAlerts({ ...slack, excludeEnvironments: [] }, { NODE_ENV: 'test' })).toMatchObject({
      active: true,
    });
  });

  it('gives every channel the global budget by default, one of its own or none where asked', () => {
    const channels = {
      slack: { webhookUrl: 'https://hooks.example.com/x' },
      webhook: { url: 'https://example.com/hook' },
      email: { smtpUrl: 'smtp://127.0.0.1:25', to: 'oncall@example.com' },
    };
    const budgets = (budget: unknown) => {
      const resolved = resolveAlerts({ ...channels, budget }, prod);
      return resolved ? Object.fromEntries(resolved.budget) : undefined;
    };
    const standard = { max: 20, windowSeconds: 600, urgentReserve: 5 };
    expect(budgets(undefined)).toEqual({ slack: standard, webhook: standard, email: standard });
    expect(
      budgets({ max: 10, channels: { email: { max: 2, windowSeconds: 3600 }, webhook: false } }),
    ).toEqual({
      slack: { ...standard, max: 10 },
      email: { max: 2, windowSeconds: 3600, urgentReserve: 5 },
    });
    expect(budgets(false)).toEqual({});
  });

  it.each([
    [{ budget: 20 }, 'alerts.budget must be false or an object'],
    [{ budget: { max: 0 } }, 'alerts.budget.max must be a whole number >= 1'],
    [{ budget: { windowSeconds: -1 } }, 'alerts.budget.windowSeconds must be a number of seconds > 0'],
    [{ budget: { urgentReserve: 1.5 } }, 'alerts.budget.urgentReserve must be a whole number >= 0'],
    [{ budget: { limit: 3 } }, 'alerts.budget.limit is not an alerts.budget option'],
    [
      { budget: { channels: { sms: { max: 1 } } } },
      'alerts.budget.channels.sms names no configured channel. Configured: slack',
    ],
    [{ budget: { channels: { slack: 3 } } }, 'alerts.budget.channels.slack must be false or an object'],
    [
      { budget: { channels: { slack: { max: 'ten' } } } },
      'alerts.budget.channels.slack.max must be a whole number >= 1',
    ],
  ])('stops start-up on a wrong budget %j, naming the option', (budget, message) => {
    expect(problem({ slack: { webhookUrl: 'https://hooks.example.com/x' }, ...budget })).toContain(message);
  });

  it('defaults the error rate to 1 % over 5 minutes with at least 100 requests', () => {
    expect(resolveAlerts({}, prod)).toMatchObject({
      errorRate: { threshold: 0.01, windowSeconds: 300, minRequests: 100 },
      dispatch: { maxQueue: 100, timeoutMs: 5000, retries: 2 },
    });
  });

  it.each([
    [{ slack: { webhookUrl: 'not a url' } }, 'alerts.slack.webhookUrl'],
    [{ webhook: { url: 'ftp://example.com' } }, 'alerts.webhook.url'],
    [{ webhook: { url: 'https://example.com', secret: '' } }, 'alerts.webhook.secret'],
    [{ email: { smtpUrl: 'http://mail', to: 'a@example.com' } }, 'alerts.email.smtpUrl'],
    [{ email: { smtpUrl: 'smtp://mail', to: 'not an address' } }, 'alerts.email.to'],
    [
      { email: { smtpUrl: 'smtp://mail', to: 'a@example.com', from: 'a@x\r\nBcc: b@x' } },
      'alerts.email.from',
    ],
    [{ repeatLimit: -1 }, 'alerts.repeatLimit'],
    [{ snoozeSeconds: 0 }, 'alerts.snoozeSeconds'],
    [{ timeoutMs: 1.5 }, 'alerts.timeoutMs'],
    [{ errorRate: { threshold: 5 } }, 'alerts.errorRate.threshold'],
    [{ errorRate: { minRequests: 0 } }, 'alerts.errorRate.minRequests'],
    [{ redis: { url: 'http://localhost' } }, 'alerts.redis.url'],
    [{ redis: {} }, 'alerts.redis'],
    [{ channels: [{ name: 'x' }] }, 'alerts.channels[0]'],
    [{ excludeRoutes: [42] }, 'alerts.excludeRoutes[0]'],
    [{ sms: {} }, 'alerts.sms'],
    [{ readiness: 'yes' }, 'alerts.readiness'],
  ])('names the wrong option: %j', (input, option) => {
    expect(problem(input)).toContain(option);
  });

  it('does not echo a webhook URL, which carries its secret', () => {
    expect(problem({ slack: { webhookUrl: 'hooks.slack.com/services/T000/B000/SECRETPART' } })).not.toContain(
      'SECRETPART',
    );
  });

  it('refuses two channels with one name', () => {
    const send = async () => undefined;
    expect(
      problem({
        channels: [
          { name: 'a', send },
          { name: 'a', send },
        ],
      }),
    ).toContain('two channels named "a"');
  });

  it('matches excluded routes by template or path, with * wildcards and RegExps', () => {
    const o = resolveAlerts({ excludeRoutes: ['/internal/*', /^\/demo\//] }, prod);
    if (!o) throw new Error('off');
    expect(matchesRoute(o.excludeRoutes, ['/internal/jobs/:id'])).toBe(true);
    expect(matchesRoute(o.excludeRoutes, ['/demo/boom'])).toBe(true);
    expect(matchesRoute(o.excludeRoutes, ['/orders/:id', '/orders/1'])).toBe(false);
  });
});
