import type { Clock } from '../kernel/clock';
import type { SharedRedis } from '../kernel/shared-redis';
import type { LogChannels } from '../logging/log-channels.service';
import type { Redactor } from '../redaction/redactor';
import { FallbackSecurityCounterStore } from './fallback-security-counter.store';
import { RedisSecurityCounterStore } from './redis-security-counter.store';
import type { ResolvedAudit } from './resolve-audit-options';
import type { SecurityCounterStore } from './security-counter.store';

/**
 * The counter store the security events count with: the application's own
 * (`audit.security.counterStore`), else Redis on the top-level `redis` option's client, else the
 * in-process store. A shared store sits in front of the in-process one, which counts while the
 * shared one fails; that is said once on the `security` channel, and so is its return.
 */
export function createSecurityCounterStore(
  security: ResolvedAudit['security'],
  redis: SharedRedis | null,
  clock: Clock,
  channels: LogChannels,
  redactor: Redactor,
): SecurityCounterStore {
  const shared =
    security.counterStore ??
    (redis ? new RedisSecurityCounterStore(redis.client, { onInit: () => redis.ready(), clock }) : undefined);
  if (!shared) return security.localCounters;
  return new FallbackSecurityCounterStore(
    shared,
    security.localCounters,
    {
      down: (err) =>
        channels.security.warn(
          { err: redactor.redactError(err) },
          'security counter store unavailable, counting in this process until it returns',
        ),
      back: () => channels.security.info({}, 'security counter store is back: counting is shared again'),
    },
    clock,
  );
}
