import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Query of `GET /admin/audit` and `GET /admin/security-events`. Every parameter stays text here
 * (a repeated one is rejected as not a string); the controller hands them to the library's
 * `parseAuditQueryParams`, which reads `since`, `until`, `limit` and `cursor` strictly.
 */
export class AuditQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actorId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  ip?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  action?: string;

  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: string;

  /** RFC 3339: `2024-02-29` or `2024-02-29T13:45:00Z`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  since?: string;

  /** RFC 3339: `2024-02-29` or `2024-02-29T13:45:00Z`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  until?: string;

  /** 1 to 500, digits only. */
  @IsOptional()
  @IsString()
  @MaxLength(16)
  limit?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
