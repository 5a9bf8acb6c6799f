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
var TokenService_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.TokenService = exports.SIGNING_ALGORITHM = exports.ACCEPTED_ALGORITHMS = void 0;
const node_crypto_1 = require("node:crypto");
const common_1 = require("@nestjs/common");
const jwt_1 = require("@nestjs/jwt");
const jsonwebtoken_1 = require("jsonwebtoken");
const lru_cache_1 = require("lru-cache");
const settings_1 = require("../settings/settings");
const jwt_keys_service_1 = require("./jwt-keys.service");
const token_claims_1 = require("./token-claims");
exports.ACCEPTED_ALGORITHMS = ['RS256', 'RS512'];
exports.SIGNING_ALGORITHM = 'RS256';
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
let TokenService = TokenService_1 = class TokenService {
    settings;
    keys;
    jwt;
    logger = new common_1.Logger(TokenService_1.name);
    verified;
    constructor(settings, keys, jwt) {
        this.settings = settings;
        this.keys = keys;
        this.jwt = jwt;
        const max = settings.auth.verifiedTokenCacheSize;
        this.verified = max > 0 ? new lru_cache_1.LRUCache({ max }) : null;
        keys.onKeysRemoved((kids) => this.forgetTokensOf(kids));
    }
    async issue(subject, type) {
        const { kid, privateKey } = this.keys.signingKey;
        const now = Math.floor(Date.now() / 1000);
        const ttl = type === 'access' ? this.settings.auth.accessTtlSeconds : this.settings.auth.refreshTtlSeconds;
        const jti = (0, node_crypto_1.randomUUID)().replace(/-/g, '');
        const claims = {
            token_type: type,
            user_id: subject.id,
            username: subject.username,
            roles: [...subject.roles],
            sub: subject.id,
            jti,
            iat: now,
            exp: now + ttl,
        };
        const token = await this.jwt.signAsync({ ...claims }, { privateKey, algorithm: exports.SIGNING_ALGORITHM, keyid: kid });
        return { token, jti, expiresAt: new Date((now + ttl) * 1000) };
    }
    async verifyAccess(token) {
        const cached = this.cachedAccess(token);
        if (cached)
            return cached;
        const { claims, kid } = await this.verifyWithKey(token, 'access');
        const user = Object.freeze({
            userId: claims.user_id,
            username: claims.username,
            roles: Object.freeze([...claims.roles]),
        });
        const expiresAtMs = claims.exp * 1000;
        if (expiresAtMs > Date.now())
            this.verified?.set(token, { user, expiresAtMs, kid });
        return user;
    }
    cachedAccess(token) {
        const entry = this.verified?.get(token);
        if (entry === undefined)
            return undefined;
        if (entry.expiresAtMs > Date.now())
            return entry.user;
        this.verified.delete(token);
        return undefined;
    }
    forgetUser(userId) {
        if (!this.verified)
            return;
        for (const [token, entry] of this.verified.entries())
            if (entry.user.userId === userId)
                this.verified.delete(token);
    }
    async verify(token, type) {
        return (await this.verifyWithKey(token, type)).claims;
    }
    forgetTokensOf(kids) {
        if (!this.verified)
            return;
        for (const [token, entry] of this.verified.entries())
            if (kids.has(entry.kid))
                this.verified.delete(token);
    }
    async verifyWithKey(token, type) {
        if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token))
            throw unauthorized(token_claims_1.TOKEN_ERRORS.malformed);
        const header = decodeHeader(token);
        if (header === null)
            throw unauthorized(token_claims_1.TOKEN_ERRORS.malformed);
        const alg = header.alg;
        if (!exports.ACCEPTED_ALGORITHMS.includes(alg)) {
            throw unauthorized(token_claims_1.TOKEN_ERRORS.algorithm);
        }
        if (header.kid !== undefined && typeof header.kid !== 'string')
            throw unauthorized(token_claims_1.TOKEN_ERRORS.malformed);
        const trusted = await this.keys.keyFor(header.kid);
        if (!trusted)
            throw unauthorized(token_claims_1.TOKEN_ERRORS.unknownKey);
        let payload;
        try {
            payload = this.jwt.verify(token, {
                publicKey: trusted.key,
                algorithms: [alg],
                clockTolerance: this.settings.auth.leewaySeconds,
            });
        }
        catch (error) {
            throw unauthorized(this.reasonFor(error));
        }
        if (!(0, token_claims_1.isTokenClaims)(payload))
            throw unauthorized(token_claims_1.TOKEN_ERRORS.malformed);
        if (payload.iat > Date.now() / 1000 + this.settings.auth.leewaySeconds)
            throw unauthorized(token_claims_1.TOKEN_ERRORS.notYetValid);
        if (payload.sub !== payload.user_id)
            throw unauthorized(token_claims_1.TOKEN_ERRORS.malformed);
        if (type !== null && payload.token_type !== type)
            throw unauthorized(token_claims_1.TOKEN_ERRORS.wrongType);
        return { claims: payload, kid: trusted.kid };
    }
    reasonFor(error) {
        if (error instanceof jsonwebtoken_1.TokenExpiredError)
            return token_claims_1.TOKEN_ERRORS.expired;
        if (error instanceof jsonwebtoken_1.NotBeforeError)
            return token_claims_1.TOKEN_ERRORS.notYetValid;
        if (error instanceof jsonwebtoken_1.JsonWebTokenError) {
            if (error.message === 'invalid signature')
                return token_claims_1.TOKEN_ERRORS.signature;
            if (error.message === 'invalid algorithm')
                return token_claims_1.TOKEN_ERRORS.algorithm;
            return token_claims_1.TOKEN_ERRORS.malformed;
        }
        this.logger.error(`unexpected error while verifying a token: ${error.message}`);
        return token_claims_1.TOKEN_ERRORS.malformed;
    }
};
exports.TokenService = TokenService;
exports.TokenService = TokenService = TokenService_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [Object, jwt_keys_service_1.JwtKeysService,
        jwt_1.JwtService])
], TokenService);
function decodeHeader(token) {
    try {
        const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
        return typeof header === 'object' && header !== null && !Array.isArray(header) ? header : null;
    }
    catch {
        return null;
    }
}
function unauthorized(reason) {
    return new common_1.UnauthorizedException(reason);
}
