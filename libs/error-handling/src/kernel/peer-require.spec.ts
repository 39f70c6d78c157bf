import { FaultlineConfigError } from './faultline-config.error';
import { hasPeer, loadPeer, resolvePeer } from './peer-require';

const ABSENT = 'faultline-test-package-that-is-not-installed';

function errorOf(fn: () => unknown): FaultlineConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FaultlineConfigError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('optional peers', () => {
  it('loads and resolves an installed peer', () => {
    expect(hasPeer('pino')).toBe(true);
    expect(typeof loadPeer<{ pino: unknown }>('pino', 'logging').pino).toBe('function');
    expect(resolvePeer('pino', 'logging')).toMatch(/pino/);
  });

  it('stops start-up naming the option and the package when a peer is not installed', () => {
    expect(hasPeer(ABSENT)).toBe(false);
    for (const error of [
      errorOf(() => loadPeer(ABSENT, 'metrics')),
      errorOf(() => resolvePeer(ABSENT, 'metrics')),
    ]) {
      expect(error.option).toBe('metrics');
      expect(error.message).toBe(
        `FAULTLINE_INVALID_OPTION: metrics needs the package ${ABSENT}, which is not installed. ` +
          `Install it (npm install ${ABSENT}) or turn metrics off`,
      );
    }
  });
});
