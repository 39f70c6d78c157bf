import { check, isPlainObject, knownKeys, positiveSeconds, wholeNumber } from '../kernel/option-checks';
import type { AlertChannel } from './alert-channel.interface';
import type { BudgetSettings } from './alert-budget';

/** `alerts.budget`: the budget of each configured channel that has one. */
export function resolveBudget(
  value: unknown,
  channels: readonly AlertChannel[],
  defaults: BudgetSettings,
): Map<string, BudgetSettings> {
  const budgets = new Map<string, BudgetSettings>();
  if (value === false) return budgets;
  const o = (value ?? {}) as Record<string, unknown>;
  check(isPlainObject(o), 'alerts.budget', 'must be false or an object');
  knownKeys(o, ['max', 'windowSeconds', 'urgentReserve', 'channels'], 'alerts.budget');
  const base = budgetSettings(o, defaults, 'alerts.budget');
  const own = (o.channels ?? {}) as Record<string, unknown>;
  check(isPlainObject(own), 'alerts.budget.channels', 'must be an object keyed by channel name');
  const names = channels.map((c) => c.name);
  for (const [name, settings] of Object.entries(own)) {
    const option = `alerts.budget.channels.${name}`;
    check(
      names.includes(name),
      option,
      'names no configured channel',
      `Configured: ${names.join(', ') || 'none'}`,
    );
    check(settings === false || isPlainObject(settings), option, 'must be false or an object');
  }
  for (const name of names) {
    const settings = own[name];
    if (settings === false) continue;
    const option = `alerts.budget.channels.${name}`;
    if (settings !== undefined)
      knownKeys(settings as object, ['max', 'windowSeconds', 'urgentReserve'], option);
    budgets.set(
      name,
      settings === undefined ? base : budgetSettings(settings as Record<string, unknown>, base, option),
    );
  }
  return budgets;
}

function budgetSettings(
  o: Record<string, unknown>,
  defaults: BudgetSettings,
  option: string,
): BudgetSettings {
  return {
    max: wholeNumber(o.max, defaults.max, `${option}.max`, 1),
    windowSeconds: positiveSeconds(o.windowSeconds, defaults.windowSeconds, `${option}.windowSeconds`),
    urgentReserve: wholeNumber(o.urgentReserve, defaults.urgentReserve, `${option}.urgentReserve`, 0),
  };
}
