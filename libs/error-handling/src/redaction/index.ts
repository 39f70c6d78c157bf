export { Redactor } from './redactor';
export type { BuiltInDetectorToggles, RedactionOptions } from './redaction.options';
export { DEFAULT_SENSITIVE_KEYS } from './sensitive-keys';
export {
  BUILT_IN_DETECTOR_NAMES,
  type BuiltInDetectorName,
  DEFAULT_VALUE_DETECTORS,
  authSchemeDetector,
  awsAccessKeyDetector,
  cardNumberDetector,
  githubTokenDetector,
  googleApiKeyDetector,
  jwtDetector,
  pemDetector,
  slackTokenDetector,
  slackWebhookDetector,
  stripeKeyDetector,
  urlCredentialsDetector,
  type ValueDetector,
} from './value-detectors';
