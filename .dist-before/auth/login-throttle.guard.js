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
var LoginThrottleGuard_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.LoginThrottleGuard = void 0;
const common_1 = require("@nestjs/common");
const lru_cache_1 = require("lru-cache");
const settings_1 = require("../settings/settings");
const client_address_1 = require("./client-address");
const login_attempts_store_1 = require("./login-attempts.store");
const MAX_LOCAL_BLOCKS = 100_000;
let LoginThrottleGuard = LoginThrottleGuard_1 = class LoginThrottleGuard {
    settings;
    store;
    logger = new common_1.Logger(LoginThrottleGuard_1.name);
    blockedUntil = new lru_cache_1.LRUCache({ max: MAX_LOCAL_BLOCKS });
    constructor(settings, store) {
        this.settings = settings;
        this.store = store;
    }
    async canActivate(context) {
        const request = context.switchToHttp().getRequest();
        const { perClient, perClientUsername, perUsername, windowSeconds } = this.settings.auth.loginRateLimit;
        const client = (0, client_address_1.clientKeyOf)(request.ip);
        const username = typeof request.body?.username === 'string' ? request.body.username.toLowerCase().slice(0, 150) : '';
        const limits = [{ kind: 'client', key: client, max: perClient }];
        if (username !== '') {
            limits.push({ kind: 'client-username', key: `${client}\n${username}`, max: perClientUsername }, { kind: 'username', key: username, max: perUsername });
        }
        for (const limit of limits) {
            const blockKey = `${limit.kind}\n${limit.key}`;
            const knownBlock = this.blockedUntil.get(blockKey);
            if (knownBlock !== undefined && knownBlock > Date.now())
                this.refuse(context, knownBlock);
            const window = await this.count(limit, windowSeconds * 1000);
            if (window.count <= limit.max)
                continue;
            this.blockedUntil.set(blockKey, window.resetAtMs);
            this.refuse(context, window.resetAtMs);
        }
        return true;
    }
    refuse(context, resetAtMs) {
        const retryAfter = Math.max(1, Math.ceil((resetAtMs - Date.now()) / 1000));
        context.switchToHttp().getResponse().header('Retry-After', String(retryAfter));
        throw new common_1.HttpException(`too many login attempts, retry in ${retryAfter}s`, common_1.HttpStatus.TOO_MANY_REQUESTS);
    }
    async count(limit, windowMs) {
        try {
            return await this.store.hit(limit.kind, limit.key, windowMs);
        }
        catch (error) {
            this.logger.error(`login limit store failed: ${error.message}`);
            throw new common_1.ServiceUnavailableException('login is unavailable, try again shortly');
        }
    }
};
exports.LoginThrottleGuard = LoginThrottleGuard;
exports.LoginThrottleGuard = LoginThrottleGuard = LoginThrottleGuard_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(settings_1.SETTINGS)),
    __param(1, (0, common_1.Inject)(login_attempts_store_1.LOGIN_ATTEMPTS_STORE)),
    __metadata("design:paramtypes", [Object, Object])
], LoginThrottleGuard);
