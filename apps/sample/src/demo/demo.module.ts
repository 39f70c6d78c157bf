import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { DemoController } from './demo.controller';
import { DemoResolver } from './demo.resolver';

@Module({ imports: [NotificationsModule], controllers: [DemoController], providers: [DemoResolver] })
export class DemoModule {}
