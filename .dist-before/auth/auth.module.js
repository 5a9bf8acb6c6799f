"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var AuthModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.AUTH_ENTITIES = exports.AuthModule = void 0;
const jwt_1 = require("@nestjs/jwt");
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const typeorm_1 = require("@nestjs/typeorm");
const jwks_controller_1 = require("./jwks.controller");
const jwt_auth_guard_1 = require("./jwt-auth.guard");
const jwt_keys_service_1 = require("./jwt-keys.service");
const database_login_attempts_store_1 = require("./database-login-attempts.store");
const login_attempt_entity_1 = require("./login-attempt.entity");
const login_attempts_store_1 = require("./login-attempts.store");
const login_throttle_guard_1 = require("./login-throttle.guard");
const me_controller_1 = require("./me.controller");
const password_1 = require("./password");
const prune_refresh_tokens_job_1 = require("./prune-refresh-tokens.job");
const refresh_token_entity_1 = require("./refresh-token.entity");
const refresh_token_family_entity_1 = require("./refresh-token-family.entity");
const refresh_tokens_service_1 = require("./refresh-tokens.service");
const refused_users_1 = require("./refused-users");
const token_controller_1 = require("./token.controller");
const token_service_1 = require("./token.service");
const user_entity_1 = require("./user.entity");
const users_service_1 = require("./users.service");
let AuthModule = AuthModule_1 = class AuthModule {
    static forRoot(settings) {
        const isLoginService = settings.jwtSignKey !== false;
        const httpControllers = [me_controller_1.MeController, ...(isLoginService ? [token_controller_1.TokenController, jwks_controller_1.JwksController] : [])];
        return {
            module: AuthModule_1,
            global: true,
            imports: [
                typeorm_1.TypeOrmModule.forFeature(exports.AUTH_ENTITIES),
                jwt_1.JwtModule.register({
                    signOptions: { algorithm: token_service_1.SIGNING_ALGORITHM },
                    verifyOptions: { algorithms: [...token_service_1.ACCEPTED_ALGORITHMS] },
                }),
            ],
            controllers: httpControllers,
            providers: [
                jwt_keys_service_1.JwtKeysService,
                token_service_1.TokenService,
                users_service_1.UsersService,
                refresh_tokens_service_1.RefreshTokensService,
                refused_users_1.RefusedUsers,
                prune_refresh_tokens_job_1.PruneRefreshTokensJob,
                login_throttle_guard_1.LoginThrottleGuard,
                {
                    provide: login_attempts_store_1.LOGIN_ATTEMPTS_STORE,
                    inject: [(0, typeorm_1.getDataSourceToken)()],
                    useFactory: (dataSource) => settings.auth.loginRateLimit.store === 'database'
                        ? new database_login_attempts_store_1.DatabaseLoginAttemptsStore(dataSource, settings.secretKey)
                        : new login_attempts_store_1.MemoryLoginAttemptsStore(),
                },
                { provide: users_service_1.PASSWORD_HASHER, useFactory: () => new password_1.PasswordHasher() },
                { provide: core_1.APP_GUARD, useClass: jwt_auth_guard_1.JwtAuthGuard },
            ],
            exports: [token_service_1.TokenService, jwt_keys_service_1.JwtKeysService, users_service_1.UsersService, refresh_tokens_service_1.RefreshTokensService, refused_users_1.RefusedUsers, jwt_1.JwtModule],
        };
    }
};
exports.AuthModule = AuthModule;
exports.AuthModule = AuthModule = AuthModule_1 = __decorate([
    (0, common_1.Module)({})
], AuthModule);
exports.AUTH_ENTITIES = [user_entity_1.User, refresh_token_entity_1.RefreshToken, refresh_token_family_entity_1.RefreshTokenFamily, login_attempt_entity_1.LoginAttempt];
