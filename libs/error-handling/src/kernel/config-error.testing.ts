import { FaultlineConfigError } from './faultline-config.error';

/**
 * For tests: the {@link FaultlineConfigError} that `run` throws. Any other error is rethrown,
 * and nothing thrown fails the test.
 */
export function configErrorOf(run: () => unknown): FaultlineConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof FaultlineConfigError) return error;
    throw error;
  }
  throw new Error('expected a FaultlineConfigError');
}
