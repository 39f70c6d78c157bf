import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AuditService, parseAuditQueryParams } from 'nestjs-faultline';
import { AuthGuard } from '../auth/auth.guard';
import { Roles } from '../auth/roles.decorator';
import { AuditQueryDto } from './audit-query.dto';

/**
 * The audit trail and security events, for admins. A bad `since`, `until`, `limit` or `cursor`
 * is a 400 `VALIDATION_ERROR` naming the parameter, before anything reaches SQL.
 */
@Controller('admin')
@UseGuards(AuthGuard)
@Roles('admin')
export class AdminController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  auditTrail(@Query() query: AuditQueryDto) {
    return this.audit.query({ ...parseAuditQueryParams(query), kind: 'audit' });
  }

  @Get('security-events')
  securityEvents(@Query() query: AuditQueryDto) {
    return this.audit.query({ ...parseAuditQueryParams(query), kind: 'security' });
  }
}
