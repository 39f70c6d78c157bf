import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  type MessageEvent,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Sse,
  UseGuards,
} from '@nestjs/common';
import { Audit } from 'nestjs-faultline';
import { concat, interval, map, merge, type Observable, of, throwError } from 'rxjs';
import { AuthGuard } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.types';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { CreateNotificationDto } from './create-notification.dto';
import { NotificationsService } from './notifications.service';
import type { SampleConfig } from '../sample.config';
import { SAMPLE_CONFIG } from '../sample.constants';

/**
 * How often an open stream gets a comment line: it keeps proxies and load balancers, which close
 * connections idle for a minute or so, from closing a stream with nothing to say.
 */
const HEARTBEAT_MS = 15_000;

@Controller('notifications')
@UseGuards(AuthGuard)
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  @Get()
  list(@CurrentUser() user: AuthUser) {
    return this.notifications.list(user.id);
  }

  /**
   * The caller's new notifications as Server-Sent Events: `connected` once the stream listens,
   * then a `notification` event (its id the notification's) for each one created for the caller,
   * and a heartbeat comment every 15 s. Under DEMO_FAULTS=1, `?fail=1` makes the stream fail
   * after `connected`, as a bug would: Faultline ends it with an `error` event.
   */
  @Sse('stream')
  stream(@CurrentUser() user: AuthUser, @Query('fail') fail?: string): Observable<MessageEvent> {
    // An empty id: Nest would number the event, and a client could take its number for a
    // notification's id.
    const connected = of<MessageEvent>({ type: 'connected', id: '', data: { userId: user.id } });
    if (this.config.demoFaults && fail === '1') {
      return concat(
        connected,
        throwError(
          () =>
            new Error('Notification stream broke: cursor 7f3a lost at /srv/app/src/notifications/feed.ts:88'),
        ),
      );
    }
    return merge(
      this.notifications
        .newFor(user.id)
        .pipe(map((n): MessageEvent => ({ type: 'notification', id: String(n.id), data: n }))),
      interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ comment: 'heartbeat' }))),
      // Subscribed last, so a client that waits for `connected` misses no notification.
      connected,
    );
  }

  @Post()
  @Roles('admin')
  @Audit('NOTIFICATION_CREATE', { resource: 'notification', resourceId: 'result.id', capture: ['body'] })
  create(@Body() dto: CreateNotificationDto) {
    return this.notifications.create(dto);
  }

  @Post('read-all')
  @HttpCode(200)
  @Audit('MARK_ALL_READ', { resource: 'notification' })
  readAll(@CurrentUser() user: AuthUser) {
    return this.notifications.markAllRead(user.id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Audit('NOTIFICATION_MARK_READ', { resource: 'notification', resourceId: 'params.id' })
  markRead(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number) {
    return this.notifications.markRead(user.id, id);
  }
}
