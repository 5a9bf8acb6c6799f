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
var RefreshTokensService_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.RefreshTokensService = void 0;
const node_crypto_1 = require("node:crypto");
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const refresh_token_entity_1 = require("./refresh-token.entity");
const refresh_token_family_entity_1 = require("./refresh-token-family.entity");
const token_claims_1 = require("./token-claims");
const token_service_1 = require("./token.service");
const users_service_1 = require("./users.service");
let RefreshTokensService = RefreshTokensService_1 = class RefreshTokensService {
    refreshTokens;
    families;
    dataSource;
    tokens;
    users;
    logger = new common_1.Logger(RefreshTokensService_1.name);
    sqliteTurn = Promise.resolve();
    constructor(refreshTokens, families, dataSource, tokens, users) {
        this.refreshTokens = refreshTokens;
        this.families = families;
        this.dataSource = dataSource;
        this.tokens = tokens;
        this.users = users;
    }
    async issuePair(user) {
        const now = new Date();
        await this.refreshTokens.delete({ userId: user.id, expiresAt: (0, typeorm_2.LessThan)(now) });
        await this.families.delete({ userId: user.id, expiresAt: (0, typeorm_2.LessThan)(now) });
        const familyId = (0, node_crypto_1.randomUUID)();
        return this.dataSource.transaction(async (manager) => {
            await manager.insert(refresh_token_family_entity_1.RefreshTokenFamily, {
                familyId,
                userId: user.id,
                expiresAt: now,
                revokedAt: null,
            });
            return this.issueInFamily(manager, user, familyId);
        });
    }
    async rotate(refreshToken) {
        const claims = await this.tokens.verify(refreshToken, 'refresh');
        const row = await this.refreshTokens.findOneBy({ jti: claims.jti });
        if (!row || row.revokedAt)
            throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.revoked);
        const user = await this.users.findActive(row.userId);
        if (!user) {
            await this.revokeFamily(row.familyId);
            throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.revoked);
        }
        const result = await this.inFamilyTurn(row.familyId, (manager) => this.rotateLocked(manager, user, row));
        if ('pair' in result)
            return result.pair;
        if ('reused' in result) {
            this.logger.warn(`refresh token reused: revoked family ${row.familyId} of user ${row.userId}`);
        }
        throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.revoked);
    }
    async verifyAny(token) {
        const claims = await this.tokens.verify(token, null);
        if (claims.token_type === 'refresh') {
            const row = await this.refreshTokens.findOneBy({ jti: claims.jti });
            const family = row ? await this.families.findOneBy({ familyId: row.familyId }) : null;
            if (!row || row.revokedAt || row.usedAt || !family || family.revokedAt) {
                throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.revoked);
            }
        }
        return claims;
    }
    async revokeFamily(familyId) {
        await this.inFamilyTurn(familyId, (manager) => this.revokeLocked(manager, familyId));
    }
    inFamilyTurn(familyId, work) {
        const locked = () => this.dataSource.transaction(async (manager) => {
            if (this.dataSource.options.type === 'postgres') {
                await manager.query('SELECT 1 FROM refresh_token_families WHERE family_id = $1 FOR UPDATE', [
                    familyId,
                ]);
            }
            return work(manager);
        });
        if (this.dataSource.options.type === 'postgres')
            return locked();
        const turn = this.sqliteTurn.then(locked, locked);
        this.sqliteTurn = turn.catch(() => undefined);
        return turn;
    }
    async rotateLocked(manager, user, row) {
        const family = await manager.findOneBy(refresh_token_family_entity_1.RefreshTokenFamily, { familyId: row.familyId });
        if (!family || family.revokedAt)
            return { revoked: true };
        const marked = await manager
            .createQueryBuilder()
            .update(refresh_token_entity_1.RefreshToken)
            .set({ usedAt: new Date() })
            .where('jti = :jti AND used_at IS NULL AND revoked_at IS NULL', { jti: row.jti })
            .execute();
        if (marked.affected !== 1) {
            await this.revokeLocked(manager, row.familyId);
            return { reused: true };
        }
        return { pair: await this.issueInFamily(manager, user, row.familyId, row.jti) };
    }
    async revokeLocked(manager, familyId) {
        const now = new Date();
        await manager.update(refresh_token_family_entity_1.RefreshTokenFamily, { familyId, revokedAt: (0, typeorm_2.IsNull)() }, { revokedAt: now });
        await manager
            .createQueryBuilder()
            .update(refresh_token_entity_1.RefreshToken)
            .set({ revokedAt: now })
            .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
            .execute();
    }
    async deleteExpired(before, limit) {
        const tokens = await this.refreshTokens.find({
            select: { jti: true },
            where: { expiresAt: (0, typeorm_2.LessThan)(before) },
            take: limit,
        });
        if (tokens.length > 0)
            await this.refreshTokens.delete({ jti: (0, typeorm_2.In)(tokens.map((row) => row.jti)) });
        if (tokens.length === limit)
            return tokens.length;
        const families = await this.families.find({
            select: { familyId: true },
            where: { expiresAt: (0, typeorm_2.LessThan)(before) },
            take: limit - tokens.length,
        });
        if (families.length > 0)
            await this.families.delete({ familyId: (0, typeorm_2.In)(families.map((row) => row.familyId)) });
        return tokens.length + families.length;
    }
    async issueInFamily(manager, user, familyId, previous) {
        const subject = { id: user.id, username: user.username, roles: user.roles };
        const [access, refresh] = await Promise.all([
            this.tokens.issue(subject, 'access'),
            this.tokens.issue(subject, 'refresh'),
        ]);
        await manager.insert(refresh_token_entity_1.RefreshToken, {
            jti: refresh.jti,
            familyId,
            userId: user.id,
            expiresAt: refresh.expiresAt,
            usedAt: null,
            replacedBy: null,
            revokedAt: null,
        });
        await manager.update(refresh_token_family_entity_1.RefreshTokenFamily, { familyId }, { expiresAt: refresh.expiresAt });
        if (previous)
            await manager.update(refresh_token_entity_1.RefreshToken, { jti: previous }, { replacedBy: refresh.jti });
        return { access: access.token, refresh: refresh.token };
    }
};
exports.RefreshTokensService = RefreshTokensService;
exports.RefreshTokensService = RefreshTokensService = RefreshTokensService_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(refresh_token_entity_1.RefreshToken)),
    __param(1, (0, typeorm_1.InjectRepository)(refresh_token_family_entity_1.RefreshTokenFamily)),
    __param(2, (0, typeorm_1.InjectDataSource)()),
    __metadata("design:paramtypes", [typeorm_2.Repository,
        typeorm_2.Repository,
        typeorm_2.DataSource,
        token_service_1.TokenService,
        users_service_1.UsersService])
], RefreshTokensService);
