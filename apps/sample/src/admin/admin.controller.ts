import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AuditService } from 'nestjs-faultline';
import { AuthGuard } from '../auth/auth.guard';
import { Roles } from '../auth/roles.decorator';
import { AuditQueryDto } from './audit-query.dto';

/** The audit trail and security events, for admins. */
@Controller('admin')
@UseGuards(AuthGuard)
@Roles('admin')
export class AdminController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  auditTrail(@Query() query: AuditQueryDto) {
    return this.audit.query({ ...query, kind: 'audit' });
  }

  @Get('security-events')
  securityEvents(@Query() query: AuditQueryDto) {
    return this.audit.query({ ...query, kind: 'security' });
  }
}
