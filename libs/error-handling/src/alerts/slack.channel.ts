import type { AlertMessage } from './alert.interface';
import type { AlertChannel } from './alert-channel.interface';
import { slackText } from './alert-format';
import { postJson } from './post-json';

/** Options of {@link SlackChannel}. */
export interface SlackChannelOptions {
  /** The incoming webhook URL (`https://hooks.slack.com/services/…`). */
  webhookUrl: string;
  /** @default 'slack' */
  name?: string;
}

/**
 * Posts alerts to a Slack incoming webhook as mrkdwn text: values escaped (`&`, `<`, `>`), one
 * line each, the stack and request data in code blocks.
 *
 * @example
 * ErrorHandlingModule.forRoot({ alerts: { slack: { webhookUrl: process.env.SLACK_WEBHOOK_URL } } })
 */
export class SlackChannel implements AlertChannel {
  readonly name: string;

  constructor(private readonly options: SlackChannelOptions) {
    this.name = options.name ?? 'slack';
  }

  send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    return postJson(
      this.options.webhookUrl,
      JSON.stringify({ text: slackText(message), mrkdwn: true }),
      signal,
    );
  }
}
