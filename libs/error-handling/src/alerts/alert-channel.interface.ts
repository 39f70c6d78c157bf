import type { AlertMessage } from './alert.interface';

/**
 * Somewhere alerts go. Faultline ships {@link SlackChannel}, {@link EmailChannel} and
 * {@link WebhookChannel}; any object with `name` and `send()` can be added under
 * `alerts.channels`.
 *
 * `send()` resolves when the alert was accepted and rejects when it was not (it is retried).
 * It should stop when `signal` aborts: the delivery timed out.
 *
 * @example
 * const teams: AlertChannel = {
 *   name: 'teams',
 *   send: (message, signal) => postToTeams(message, signal),
 * };
 * ErrorHandlingModule.forRoot({ alerts: { channels: [teams] } });
 */
export interface AlertChannel {
  /** Shown in logs and in `AlertService.stats()`; unique among the channels. */
  readonly name: string;
  send(message: AlertMessage, signal: AbortSignal): Promise<void>;
  /** Releases connections; called once at shutdown. */
  close?(): Promise<void>;
}

/** Injection token of the alert channels in use (an `AlertChannel[]`, empty when alerts are off). */
export const AlertChannel = 'FAULTLINE:AlertChannel';
