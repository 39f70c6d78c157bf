/**
 * Injection token of the {@link ExtensionFaultReporter} that logs what extension points catch
 * (mappers, failure subscribers, listeners). Internal; not exported from the package.
 */
export const EXTENSION_FAULTS = 'FAULTLINE:EXTENSION_FAULTS';
