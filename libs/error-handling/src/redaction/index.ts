export { Redactor } from './redactor';
export type { RedactionOptions } from './redaction.options';
export { DEFAULT_SENSITIVE_KEYS } from './sensitive-keys';
export {
  DEFAULT_VALUE_DETECTORS,
  authSchemeDetector,
  cardNumberDetector,
  jwtDetector,
  pemDetector,
  type ValueDetector,
} from './value-detectors';
export { FaultlineValidationPipe } from './validation.pipe';
