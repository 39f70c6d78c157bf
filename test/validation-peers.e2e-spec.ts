import { Body, Controller, HttpCode, type INestApplication, type LoggerService, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule, type ErrorHandlingModuleOptions, FaultlineConfigError } from 'nestjs-faultline';
import { initTestApplication } from './support/http-adapter';

/*
 * A project without class-validator (what `nest new` makes): Faultline's peer lookup says it is
 * not installed, and loading it fails as a missing package does. Nest's own ValidationPipe would
 * log and process.exit(1) here; Faultline must not let it.
 */
jest.mock('../libs/error-handling/src/kernel/peer-require', () => {
  const actual = jest.requireActual<typeof import('../libs/error-handling/src/kernel/peer-require')>(
    '../libs/error-handling/src/kernel/peer-require',
  );
  return { ...actual, hasPeer: (name: string) => name !== 'class-validator' && actual.hasPeer(name) };
});
jest.mock('class-validator', () => {
  throw Object.assign(new Error("Cannot find module 'class-validator' from 'test'"), {
    code: 'MODULE_NOT_FOUND',
  });
});

/** A DTO without decorators: a validation pipe with whitelist would strip its body to `{}`. */
class NoteDto {
  text?: string;
}

@Controller('notes')
class NotesController {
  @Post()
  @HttpCode(200)
  create(@Body() body: NoteDto) {
    return body;
  }
}

/** Nest's log lines, kept. (The shared fixture loads the sample app, whose DTOs need class-validator.) */
class Lines implements LoggerService {
  readonly messages: string[] = [];
  log = (message: unknown) => this.messages.push(String(message));
  error = (message: unknown) => this.messages.push(String(message));
  warn = (message: unknown) => this.messages.push(String(message));
}

interface Started {
  app: INestApplication;
  lines: Lines;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

async function startFixture(
  controllers: [typeof NotesController],
  options: ErrorHandlingModuleOptions,
): Promise<Started> {
  const moduleRef = await Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot({ logging: false, ...options })],
    controllers,
  }).compile();
  const lines = new Lines();
  const app = await initTestApplication(moduleRef, { logger: lines });
  return { app, lines, http: () => request(app.getHttpServer()), close: () => app.close() };
}

describe('the validation pipe when class-validator is not installed', () => {
  let exit: jest.SpyInstance;
  let fixture: Started | undefined;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`process.exit(${String(code)}) called`);
    });
  });
  afterEach(async () => {
    exit.mockRestore();
    await fixture?.close();
    fixture = undefined;
  });

  it('starts without a pipe by default, saying so once, and passes bodies through', async () => {
    fixture = await startFixture([NotesController], {});
    const notices = fixture.lines.messages.filter((m) => m.startsWith('validation is off'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('class-validator is not installed');
    await fixture.http().post('/notes').send({ text: 'hi', extra: 1 }).expect(200, { text: 'hi', extra: 1 });
    expect(exit).not.toHaveBeenCalled();
  });

  it.each([[true], [{ forbidNonWhitelisted: false }]])(
    'stops start-up with a FaultlineConfigError naming validation and the package for validation: %j',
    async (validation) => {
      const started = startFixture([NotesController], { validation });
      await expect(started).rejects.toThrow(FaultlineConfigError);
      await expect(started).rejects.toThrow(
        /^FAULTLINE_INVALID_OPTION: validation needs the package class-validator, which is not installed/,
      );
      expect(exit).not.toHaveBeenCalled();
    },
  );

  it('says nothing with validation: false', async () => {
    fixture = await startFixture([NotesController], { validation: false });
    expect(fixture.lines.messages.filter((m) => m.startsWith('validation is off'))).toEqual([]);
  });
});
