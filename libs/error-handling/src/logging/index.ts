export type { FileLogOptions, LogChannelName, LoggingOptions } from './logging.options';
export { LogChannels, type ChannelLevel, type ChannelLogger } from './log-channels.service';
export { FailureLog } from './failure-log.service';
export { escapeControl } from '../kernel/escape-control';
export type { FailureLevel, LoggedRequest, RequestFailure } from '../kernel/request-context';
