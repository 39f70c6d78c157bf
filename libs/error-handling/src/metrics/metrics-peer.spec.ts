import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ErrorHandlingModule } from '../error-handling.module';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import { MetricsService } from './metrics.service';

// prom-client is installed in this repository; these tests make it look missing to Faultline.
const asked: string[] = [];
jest.mock('../kernel/peer-require', () => {
  const actual = jest.requireActual<typeof import('../kernel/peer-require')>('../kernel/peer-require');
  return {
    ...actual,
    loadPeer: (name: string, option: string) => {
      asked.push(name);
      if (name === 'prom-client') {
        const { FaultlineConfigError: ConfigError } = jest.requireActual<
          typeof import('../kernel/faultline-config.error')
        >('../kernel/faultline-config.error');
        throw new ConfigError(option, `needs the package ${name}, which is not installed`);
      }
      return actual.loadPeer(name, option);
    },
    hasPeer: (name: string) => name !== 'prom-client' && actual.hasPeer(name),
  };
});

function start(metrics: false | object | undefined) {
  return Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot({ logging: false, audit: false, health: false, metrics })],
  }).compile();
}

describe('metrics without prom-client', () => {
  beforeEach(() => (asked.length = 0));

  it('leaves metrics off with one notice line when they were not asked for', async () => {
    const notices: string[] = [];
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      notices.push(String(message));
    });
    try {
      const moduleRef = await start(undefined);
      await moduleRef.createNestApplication({ logger: false }).init();
      expect(asked).not.toContain('prom-client');
      expect(
        notices.filter((n) => n.startsWith('metrics are off: prom-client is not installed')),
      ).toHaveLength(1);
      await moduleRef.close();
    } finally {
      log.mockRestore();
    }
  });

  it('stops start-up naming metrics when metrics are on', async () => {
    const error = await start({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FaultlineConfigError);
    expect((error as FaultlineConfigError).option).toBe('metrics');
    expect((error as Error).message).toContain('prom-client');
  });

  it('starts without loading prom-client, or the metrics feature, when metrics are off', async () => {
    const moduleRef = await start(false);
    expect(() => moduleRef.get(MetricsService)).toThrow(/MetricsService/);
    expect(asked).not.toContain('prom-client');
    await moduleRef.close();
  });
});
