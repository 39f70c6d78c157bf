export { FaultlineValidationPipe } from './validation.pipe';
export type { ValidationOptions } from './validation.options';
