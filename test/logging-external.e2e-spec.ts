import { checkApplicationLoggerModule } from './support/external-logger-module';

// One application per file: see support/external-logger-module.ts.
describe("an application's own nestjs-pino LoggerModule, imported before Faultline", () => {
  it('wins for the request line; Faultline adds one redacted failure line with the requestId', () =>
    checkApplicationLoggerModule(false));
});
