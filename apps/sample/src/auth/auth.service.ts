import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppError, Redactor, SecurityEventKind, SecurityEvents } from 'nestjs-faultline';
import { SqlClient } from '../database/sql-client.interface';
import type { SampleConfig } from '../sample.config';
import { SAMPLE_CONFIG } from '../sample.constants';
import type { Role, TokenClaims } from './auth.types';
import { hashPassword, verifyPassword } from './password';

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
}

// Verifying against a real hash when the user does not exist keeps the timing the same.
const DUMMY_HASH = 'scrypt$00000000000000000000000000000000$' + '0'.repeat(64);

/** Logs users in against the seeded accounts and signs bearer tokens. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(SqlClient) private readonly sql: SqlClient,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
    private readonly jwt: JwtService,
    private readonly security: SecurityEvents,
    private readonly redactor: Redactor,
  ) {}

  /** Seeds `alice` (user) and `admin` (admin) with the passwords from the environment. */
  async onModuleInit(): Promise<void> {
    if (this.config.authSecretIsDefault) {
      this.logger.warn('AUTH_SECRET is not set: using the development default; set it outside development');
    }
    for (const [username, password, role] of [
      ['alice', this.config.alicePassword, 'user'],
      ['admin', this.config.adminPassword, 'admin'],
    ] as const) {
      await this.sql.query(
        `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3)
         ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role`,
        [username, await hashPassword(password), role],
      );
    }
  }

  /** Returns a signed token, or throws 401 INVALID_CREDENTIALS without saying which part was wrong. */
  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; tokenType: 'Bearer'; expiresIn: number }> {
    const { rows } = await this.sql.query<UserRow>(
      'SELECT id, username, password_hash, role FROM users WHERE username = $1',
      [username],
    );
    const user = rows[0];
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) {
      this.security.record(SecurityEventKind.LOGIN_FAILED, {
        ...this.failedLoginDetails(user, username),
        status: 401,
      });
      throw new AppError('Invalid username or password', 'INVALID_CREDENTIALS', { status: 401 });
    }
    this.security.record(SecurityEventKind.LOGIN_SUCCESS, {
      actorId: user.id,
      data: { username },
      status: 200,
    });
    const claims: TokenClaims = { sub: user.id, username: user.username, role: user.role };
    return { token: await this.jwt.signAsync(claims), tokenType: 'Bearer', expiresIn: 3600 };
  }

  /**
   * What a LOGIN_FAILED event keeps. The submitted password never. For a known account, its id
   * (a targeted account shows up). For a name that matches no account, not what was typed:
   * people type passwords into username fields. With the Redactor's HMAC mode
   * (`redaction.hmac`), its keyed hash, so repeated tries of one name can still be told apart.
   */
  private failedLoginDetails(
    user: UserRow | undefined,
    typed: string,
  ): { actorId?: number; data?: Record<string, unknown> } {
    if (user) return { actorId: user.id, data: { username: user.username } };
    const hashed = this.redactor.censorValue(typed);
    return hashed === this.redactor.censor ? {} : { data: { usernameHash: hashed } };
  }
}
