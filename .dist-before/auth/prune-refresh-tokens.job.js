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
exports.PruneRefreshTokensJob = void 0;
const common_1 = require("@nestjs/common");
const scheduled_job_decorator_1 = require("../jobs/scheduled-job.decorator");
const settings_1 = require("../settings/settings");
const refresh_tokens_service_1 = require("./refresh-tokens.service");
const BATCH = 1000;
let PruneRefreshTokensJob = class PruneRefreshTokensJob {
    refreshTokens;
    settings;
    constructor(refreshTokens, settings) {
        this.refreshTokens = refreshTokens;
        this.settings = settings;
    }
    async prune({ signal }) {
        const cutoff = new Date(Date.now() - this.settings.auth.leewaySeconds * 1000);
        let deleted = 0;
        for (;;) {
            signal.throwIfAborted();
            const batch = await this.refreshTokens.deleteExpired(cutoff, BATCH);
            deleted += batch;
            if (batch < BATCH)
                break;
        }
        return `deleted ${deleted} expired refresh token(s)`;
    }
};
exports.PruneRefreshTokensJob = PruneRefreshTokensJob;
__decorate([
    (0, scheduled_job_decorator_1.ScheduledJob)({
        name: 'prune-refresh-tokens',
        schedule: '0 * * * *',
        description: 'delete refresh-token rows whose token has expired (used ones included)',
    }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], PruneRefreshTokensJob.prototype, "prune", null);
exports.PruneRefreshTokensJob = PruneRefreshTokensJob = __decorate([
    (0, common_1.Injectable)(),
    __param(1, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [refresh_tokens_service_1.RefreshTokensService, Object])
], PruneRefreshTokensJob);
