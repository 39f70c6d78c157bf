export type { ProcessErrorsOptions } from './process-errors.options';
export { ProcessErrors } from './process-errors.service';
export { ExtensionFaults, EXTENSION_FAULT_WINDOW_MS } from './extension-faults';
export { GuardedRequestTap } from './guarded-request-tap';
export type { ExtensionFault, ExtensionPoint } from '../kernel/extension-point';
