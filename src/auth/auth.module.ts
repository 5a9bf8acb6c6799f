import { JwtModule } from '@nestjs/jwt';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Settings } from '../settings/settings';
import { JwksController } from './jwks.controller';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtKeysService } from './jwt-keys.service';
import { DatabaseLoginAttemptsStore } from './database-login-attempts.store';
import { LoginAttempt } from './login-attempt.entity';
import { LOGIN_ATTEMPTS_STORE, MemoryLoginAttemptsStore } from './login-attempts.store';
import { LoginThrottleGuard } from './login-throttle.guard';
import { MeController } from './me.controller';
import { PasswordHasher } from './password';
import { PruneRefreshTokensJob } from './prune-refresh-tokens.job';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokenFamily } from './refresh-token-family.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { RefusedUsers } from './refused-users';
import { TokenController } from './token.controller';
import { ACCEPTED_ALGORITHMS, SIGNING_ALGORITHM, TokenService } from './token.service';
import { User } from './user.entity';
import { PASSWORD_HASHER, UsersService } from './users.service';

/**
 * JWT authentication. Always: the global guard and `GET /api/me`. On a login service
 * (JWT_SIGN_KEY is a key) also the token endpoints and the JWKS; with JWT_SIGN_KEY=0 those
 * routes are not registered at all, so they answer 404.
 */
@Module({})
export class AuthModule {
  static forRoot(settings: Settings): DynamicModule {
    const isLoginService = settings.jwtSignKey !== false;
    const httpControllers = [MeController, ...(isLoginService ? [TokenController, JwksController] : [])];
    return {
      module: AuthModule,
      // Global: features (src/users) reach RefusedUsers and UsersService without re-importing
      // this dynamic module, which would build a second instance of it.
      global: true,
      imports: [
        TypeOrmModule.forFeature(AUTH_ENTITIES),
        // No key here: TokenService names the key of every call (JWKS keys rotate), so nothing
        // can fall back on a module-wide secret. The algorithms are pinned for any other caller.
        JwtModule.register({
          signOptions: { algorithm: SIGNING_ALGORITHM },
          verifyOptions: { algorithms: [...ACCEPTED_ALGORITHMS] },
        }),
      ],
      controllers: httpControllers,
      providers: [
        JwtKeysService,
        TokenService,
        UsersService,
        RefreshTokensService,
        RefusedUsers,
        PruneRefreshTokensJob,
        LoginThrottleGuard,
        {
          provide: LOGIN_ATTEMPTS_STORE,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource) =>
            settings.auth.loginRateLimit.store === 'database'
              ? new DatabaseLoginAttemptsStore(dataSource, settings.secretKey)
              : new MemoryLoginAttemptsStore(),
        },
        { provide: PASSWORD_HASHER, useFactory: () => new PasswordHasher() },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
      ],
      exports: [
        TokenService,
        JwtKeysService,
        UsersService,
        RefreshTokensService,
        RefusedUsers,
        JwtModule,
        // The admin console's login form counts its attempts with /api/token/'s.
        LOGIN_ATTEMPTS_STORE,
      ],
    };
  }
}

/** Entities to register where the DataSource is built without autoLoadEntities (the CLI). */
export const AUTH_ENTITIES = [User, RefreshToken, RefreshTokenFamily, LoginAttempt];
