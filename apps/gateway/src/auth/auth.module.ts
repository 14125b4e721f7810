import { randomBytes } from 'node:crypto';
import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { GatewayConfig } from '../config/gateway-config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { ScopeService } from './scope.service';

function jwtSecret(config: GatewayConfig): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  // Config validation only lets this happen outside production, when JWT_SECRET_GENERATE=true.
  new Logger('AuthModule').warn('JWT_SECRET unset: signing with a random per-process secret (JWT_SECRET_GENERATE=true)');
  return randomBytes(48).toString('base64url');
}

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({
        secret: jwtSecret(config),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, ScopeService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, ScopeService],
})
export class AuthModule {}
