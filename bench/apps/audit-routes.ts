import 'reflect-metadata';
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Audit, type ErrorHandlingModuleOptions, type SqlExecutor } from 'nestjs-faultline';
import { faultlineEverythingOn } from './faultline';
import { BenchRoutesModule, port } from './routes';

/** The bearer tokens the audited route accepts, and their users (`req.user`, the event's actor). */
const USERS = new Map([['Bearer 5f0c2a9e41d7b3c8', { id: 42, roles: ['editor'] }]]);

/** Puts the token's user on the request, as an application's authentication guard does; 401 otherwise. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; user?: unknown }>();
    const user = USERS.get(String(req.headers.authorization));
    if (!user) throw new UnauthorizedException();
    req.user = user;
    return true;
  }
}

/** Body of `POST /items/:id/notes`. */
export class NoteDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @IsString()
  @MaxLength(5000)
  body!: string;
}

/** The audited route: an authenticated POST with a body, its resource id in the path, the body kept. */
@Controller('items')
@UseGuards(BearerGuard)
class AuditedController {
  @Post(':id/notes')
  @Audit('ITEM_NOTE_ADD', { resource: 'item', resourceId: 'params.id', capture: ['body'] })
  addNote(@Param('id', ParseIntPipe) id: number, @Body() dto: NoteDto) {
    return { itemId: id, title: dto.title, length: dto.body.length };
  }
}

/**
 * A SQL executor that answers every statement with no rows and sends nothing: behind Faultline's
 * `SqlAuditStore` it leaves the store's own work (each batch encoded as its INSERT's JSON
 * parameter) and takes the database's out.
 */
export const encodeOnlyExecutor: SqlExecutor = {
  query: () => Promise.resolve({ rows: [], rowCount: 0 }),
};

/**
 * Faultline with everything on (bench/apps/faultline.ts) with `audit` as given, serving the
 * benchmark routes and the audited route.
 */
export async function listenAudited(audit: ErrorHandlingModuleOptions['audit']): Promise<void> {
  @Module({
    imports: [faultlineEverythingOn({ audit }), BenchRoutesModule],
    controllers: [AuditedController],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
