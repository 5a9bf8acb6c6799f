"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TokenController = void 0;
const common_1 = require("@nestjs/common");
const swagger_1 = require("@nestjs/swagger");
const login_dto_1 = require("./dto/login.dto");
const refresh_dto_1 = require("./dto/refresh.dto");
const verify_token_dto_1 = require("./dto/verify-token.dto");
const login_throttle_guard_1 = require("./login-throttle.guard");
const public_decorator_1 = require("../platform/public.decorator");
const refresh_tokens_service_1 = require("./refresh-tokens.service");
const users_service_1 = require("./users.service");
const BAD_CREDENTIALS = 'No active account found with the given credentials';
let TokenController = class TokenController {
    users;
    refreshTokens;
    constructor(users, refreshTokens) {
        this.users = users;
        this.refreshTokens = refreshTokens;
    }
    async onModuleInit() {
        await this.users.warmUp();
    }
    async login(dto) {
        const user = await this.users.authenticate(dto.username, dto.password);
        if (!user)
            throw new common_1.UnauthorizedException(BAD_CREDENTIALS);
        return this.refreshTokens.issuePair(user);
    }
    refresh(dto) {
        return this.refreshTokens.rotate(dto.refresh);
    }
    async verify(dto) {
        await this.refreshTokens.verifyAny(dto.token);
        return {};
    }
};
exports.TokenController = TokenController;
__decorate([
    (0, common_1.Post)(),
    (0, common_1.HttpCode)(200),
    (0, common_1.Header)('Cache-Control', 'no-store'),
    (0, common_1.Header)('Pragma', 'no-cache'),
    (0, common_1.UseGuards)(login_throttle_guard_1.LoginThrottleGuard),
    (0, swagger_1.ApiTooManyRequestsResponse)(),
    __param(0, (0, common_1.Body)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [login_dto_1.LoginDto]),
    __metadata("design:returntype", Promise)
], TokenController.prototype, "login", null);
__decorate([
    (0, common_1.Post)('refresh'),
    (0, common_1.HttpCode)(200),
    (0, common_1.Header)('Cache-Control', 'no-store'),
    (0, common_1.Header)('Pragma', 'no-cache'),
    __param(0, (0, common_1.Body)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [refresh_dto_1.RefreshDto]),
    __metadata("design:returntype", Promise)
], TokenController.prototype, "refresh", null);
__decorate([
    (0, common_1.Post)('verify'),
    (0, common_1.HttpCode)(200),
    __param(0, (0, common_1.Body)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [verify_token_dto_1.VerifyTokenDto]),
    __metadata("design:returntype", Promise)
], TokenController.prototype, "verify", null);
exports.TokenController = TokenController = __decorate([
    (0, swagger_1.ApiTags)('auth'),
    (0, swagger_1.ApiUnauthorizedResponse)(),
    (0, public_decorator_1.Public)(),
    (0, common_1.Controller)('api/token'),
    __metadata("design:paramtypes", [users_service_1.UsersService,
        refresh_tokens_service_1.RefreshTokensService])
], TokenController);
