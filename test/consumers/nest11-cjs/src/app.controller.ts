import { Controller, Get, Param, Post } from '@nestjs/common';
import { Audit, NotFoundError } from 'nestjs-faultline';
import { AppService } from './app.service';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }

  @Get('things/:id')
  getThing(@Param('id') id: string): never {
    throw new NotFoundError('Thing', id);
  }

  @Post('things/:id/archive')
  @Audit('THING_ARCHIVE', { resource: 'thing', resourceId: 'params.id' })
  archive(@Param('id') id: string): { id: string; archived: boolean } {
    return { id, archived: true };
  }
}
