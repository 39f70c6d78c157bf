import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { Audit } from 'nestjs-faultline';
import { AuthGuard } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.types';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { CreateNotificationDto } from './create-notification.dto';
import { NotificationsService } from './notifications.service';

@Controller('notifications')
@UseGuards(AuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser) {
    return this.notifications.list(user.id);
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
