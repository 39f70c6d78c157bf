import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  type INestApplication,
  Module,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  UnprocessableEntityException,
  ValidationPipe,
  type DynamicModule,
  type ValidationError,
} from '@nestjs/common';
import { IsEmail, IsString, MinLength } from 'class-validator';
import helmet from 'helmet';

/**
 * A service shaped like many that already run: its own ValidationPipe answering 422 with an
 * `{ status, errors }` map, CORS, a global prefix and helmet, and an error contract written
 * against Nest's default bodies. `test/legacy-service.e2e-spec.ts` runs its suite without
 * Faultline, then with Faultline and one compatibility option.
 */
export class CreateUserDto {
  @IsEmail()
  email!: string;

  @IsString()
  @MinLength(2)
  name!: string;
}

interface User {
  id: number;
  email: string;
  name: string;
}

@Controller('users')
export class UsersController {
  private readonly users: User[] = [{ id: 1, email: 'ada@example.com', name: 'Ada' }];

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number): User {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return user;
  }

  @Post()
  create(@Body() dto: CreateUserDto): User {
    if (this.users.some((u) => u.email === dto.email)) {
      throw new UnprocessableEntityException({ status: 422, errors: { email: 'is already taken' } });
    }
    const user = { id: this.users.length + 1, email: dto.email, name: dto.name };
    this.users.push(user);
    return user;
  }

  @Delete(':id')
  remove(): never {
    throw new ForbiddenException('Only admins can delete users');
  }

  @Get(':id/avatar')
  avatar(): never {
    throw new Error('avatar bucket unreachable: s3://internal-bucket?secret=abc123');
  }
}

/** The service's own module, with whatever else the app imports (Faultline, in the second run). */
export function legacyModule(imports: DynamicModule[] = []): DynamicModule {
  @Module({ imports, controllers: [UsersController] })
  class LegacyAppModule {}
  return { module: LegacyAppModule };
}

/** `{ status: 422, errors: { field: 'first message' } }`: the service's validation contract. */
function validationContract(errors: ValidationError[]): UnprocessableEntityException {
  const map: Record<string, string> = {};
  for (const e of errors) map[e.property] = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
  return new UnprocessableEntityException({ status: 422, errors: map });
}

/** What the service's main.ts does before listening. */
export function configureLegacyApp(app: INestApplication): void {
  app.setGlobalPrefix('api');
  app.enableCors({ origin: ['https://app.example.com', 'https://admin.example.com'] });
  app.use(helmet());
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, transform: true, exceptionFactory: validationContract }),
  );
}
