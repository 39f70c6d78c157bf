import { createSecretKey } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { SampleConfig } from '../sample.config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

@Module({})
export class AuthModule {
  static forRoot(config: SampleConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [
        JwtModule.register({
          // A KeyObject, not the string: jsonwebtoken would otherwise try (and fail) to parse the
          // secret as a public key on every verification, which costs more than the rest of a request.
          secret: createSecretKey(Buffer.from(config.authSecret)) as unknown as Buffer,
          signOptions: { expiresIn: '1h', algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      controllers: [AuthController],
      providers: [AuthService, AuthGuard],
      exports: [AuthGuard, JwtModule],
    };
  }
}
