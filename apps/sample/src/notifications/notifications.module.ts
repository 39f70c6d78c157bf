import { Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller';
import { NotificationPurge } from './notification-purge.job';
import { NotificationsResolver } from './notifications.resolver';
import { NotificationsService } from './notifications.service';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationPurge, NotificationsResolver],
  exports: [NotificationPurge],
})
export class NotificationsModule {}
