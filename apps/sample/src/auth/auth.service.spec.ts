import type { JwtService } from '@nestjs/jwt';
import {
  Redactor,
  SecurityEventKind,
  type SecurityEventDetails,
  type SecurityEvents,
} from 'nestjs-faultline';
import type { SqlClient } from '../database/sql-client.interface';
import { loadConfig } from '../sample.config';
import { AuthService } from './auth.service';
import { hashPassword } from './password';

/** An AuthService over one seeded account, recording the security events it raises. */
async function service(redactor: Redactor) {
  const aliceHash = await hashPassword('alice-password');
  const sql = {
    query: async (_text: string, params: unknown[] = []) => ({
      rows:
        params[0] === 'alice' ? [{ id: 7, username: 'alice', password_hash: aliceHash, role: 'user' }] : [],
    }),
  } as unknown as SqlClient;
  const recorded: [SecurityEventKind, SecurityEventDetails][] = [];
  const security = {
    record: (kind: SecurityEventKind, details: SecurityEventDetails) => {
      recorded.push([kind, details]);
      return undefined;
    },
  } as unknown as SecurityEvents;
  const jwt = { signAsync: async () => 'token' } as unknown as JwtService;
  const config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: 'test-secret' });
  return { auth: new AuthService(sql, config, jwt, security, redactor), recorded };
}

describe('AuthService: LOGIN_FAILED', () => {
  const typed = 'Correct-Horse-Battery-9';

  it('records nothing of a username that names no account', async () => {
    const { auth, recorded } = await service(new Redactor());

    await expect(auth.login(typed, 'x')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });

    expect(recorded).toEqual([[SecurityEventKind.LOGIN_FAILED, { status: 401 }]]);
  });

  it("records the Redactor's keyed hash of it in HMAC mode, the same for the same name", async () => {
    const { auth, recorded } = await service(
      new Redactor({ hmac: { key: 'a-test-hmac-key-of-32-characters' } }),
    );

    await expect(auth.login(typed, 'x')).rejects.toMatchObject({ status: 401 });
    await expect(auth.login(typed, 'y')).rejects.toMatchObject({ status: 401 });
    await expect(auth.login('someone-else', 'y')).rejects.toMatchObject({ status: 401 });

    const hashes = recorded.map(([, d]) => d.data?.usernameHash);
    expect(hashes[0]).toMatch(/^\[REDACTED:[0-9a-f]{16}\]$/);
    expect(hashes[1]).toBe(hashes[0]);
    expect(hashes[2]).not.toBe(hashes[0]);
    expect(JSON.stringify(recorded)).not.toContain(typed);
  });

  it("records a known account's id and name on a wrong password", async () => {
    const { auth, recorded } = await service(new Redactor());

    await expect(auth.login('alice', 'not-her-password')).rejects.toMatchObject({ status: 401 });

    expect(recorded).toEqual([
      [SecurityEventKind.LOGIN_FAILED, { actorId: 7, data: { username: 'alice' }, status: 401 }],
    ]);
    expect(JSON.stringify(recorded)).not.toContain('not-her-password');
  });
});
