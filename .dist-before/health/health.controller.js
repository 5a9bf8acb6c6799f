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
exports.HealthController = void 0;
exports.statesOnly = statesOnly;
const common_1 = require("@nestjs/common");
const settings_1 = require("../settings/settings");
const swagger_1 = require("@nestjs/swagger");
const terminus_1 = require("@nestjs/terminus");
const readiness_check_1 = require("../platform/readiness-check");
const public_decorator_1 = require("../platform/public.decorator");
const CHECK_TIMEOUT_MS = 2000;
let HealthController = class HealthController {
    health;
    indicators;
    checks;
    settings;
    constructor(health, indicators, checks, settings) {
        this.health = health;
        this.indicators = indicators;
        this.checks = checks;
        this.settings = settings;
    }
    live() {
        return this.health.check([]);
    }
    async ready(reply) {
        const reported = this.reportNonCritical();
        try {
            return this.shown(withReported(await this.checkDependencies(), await reported));
        }
        catch (error) {
            if (!(error instanceof common_1.ServiceUnavailableException))
                throw error;
            const critical = error.getResponse();
            const result = withReported(critical, await reported);
            void reply.status(503);
            const down = Object.keys(critical.error ?? {});
            return {
                statusCode: 503,
                message: `not ready: ${down.join(', ') || 'unknown'}`,
                ...this.shown(result),
            };
        }
    }
    shown(result) {
        return this.settings.debug ? result : statesOnly(result);
    }
    async reportNonCritical() {
        const results = await Promise.all(this.checks
            .filter((readiness) => readiness.isCritical === false)
            .map(async (readiness) => {
            try {
                const details = await withTimeout(readiness.check(), CHECK_TIMEOUT_MS);
                return { [readiness.name]: { status: 'up', ...details } };
            }
            catch (error) {
                return { [readiness.name]: { status: 'down', message: error.message } };
            }
        }));
        return Object.assign({}, ...results);
    }
    checkDependencies() {
        return this.health.check(this.checks
            .filter((readiness) => readiness.isCritical !== false)
            .map((readiness) => () => this.indicators
            .check(readiness.name)
            .attempt(() => readiness.check())
            .withTimeout(CHECK_TIMEOUT_MS)));
    }
};
exports.HealthController = HealthController;
__decorate([
    (0, common_1.Get)('live'),
    (0, terminus_1.HealthCheck)(),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "live", null);
__decorate([
    (0, common_1.Get)('ready'),
    (0, terminus_1.HealthCheck)(),
    __param(0, (0, common_1.Res)({ passthrough: true })),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "ready", null);
exports.HealthController = HealthController = __decorate([
    (0, swagger_1.ApiTags)('health'),
    (0, public_decorator_1.Public)(),
    (0, common_1.Controller)('health'),
    __param(2, (0, common_1.Inject)(readiness_check_1.READINESS_CHECKS)),
    __param(3, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [terminus_1.HealthCheckService,
        terminus_1.HealthIndicatorService, Array, Object])
], HealthController);
function withReported(result, reported) {
    const up = Object.fromEntries(Object.entries(reported).filter(([, value]) => value.status === 'up'));
    const down = Object.fromEntries(Object.entries(reported).filter(([, value]) => value.status !== 'up'));
    return {
        ...result,
        info: { ...result.info, ...up },
        error: { ...result.error, ...down },
        details: { ...result.details, ...reported },
    };
}
function withTimeout(work, ms) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
function statesOnly(result) {
    const strip = (part) => (part &&
        Object.fromEntries(Object.entries(part).map(([name, entry]) => [name, { status: entry?.status ?? 'down' }])));
    return {
        status: result.status,
        info: strip(result.info),
        error: strip(result.error),
        details: strip(result.details),
    };
}
