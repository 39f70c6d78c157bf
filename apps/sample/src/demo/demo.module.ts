import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { DemoController } from './demo.controller';

@Module({ imports: [NotificationsModule], controllers: [DemoController] })
export class DemoModule {}
