import { Module } from '@nestjs/common';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { MemoryAuditStore } from './memory-audit.store';

@Module({
  imports: [
    ErrorHandlingModule.forRoot({
      problemTypeBaseUrl: 'https://errors.example.com',
      audit: { store: new MemoryAuditStore() },
    }),
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
