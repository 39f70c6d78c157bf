/** Injection token of the sample app's {@link SampleConfig}. */
export const SAMPLE_CONFIG = 'SAMPLE:CONFIG';
