import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

@Injectable()
export class AppService {
  // Provided by the LoggerModule Faultline loads: the same copy of nestjs-pino as the app's.
  constructor(private readonly logger: PinoLogger) {}

  getHello(): string {
    this.logger.info('saying hello');
    return 'Hello World!';
  }
}
