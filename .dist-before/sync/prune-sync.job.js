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
exports.PruneSyncJob = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const scheduled_job_decorator_1 = require("../jobs/scheduled-job.decorator");
const settings_1 = require("../settings/settings");
const sync_cleanup_service_1 = require("./sync-cleanup.service");
let PruneSyncJob = class PruneSyncJob {
    dataSource;
    settings;
    constructor(dataSource, settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }
    async prune({ signal }) {
        const { sync } = this.settings;
        const result = await new sync_cleanup_service_1.SyncCleanup(this.dataSource, sync).prune(sync.retentionSeconds * 1000, {
            onProgress: () => signal.throwIfAborted(),
        });
        const { outbox, inbox, tombstones } = result.deleted;
        const kept = result.cutoffs.inbox === null ? ' (inbox and tombstones kept: SYNC_MESSAGE_TTL is none)' : '';
        return `deleted ${outbox} sent outbox row(s), ${inbox} inbox row(s), ${tombstones} tombstone(s)${kept}`;
    }
};
exports.PruneSyncJob = PruneSyncJob;
__decorate([
    (0, scheduled_job_decorator_1.ScheduledJob)({
        name: 'prune-sync',
        schedule: '15 4 * * *',
        description: 'delete sent outbox rows, inbox rows and tombstones older than SYNC_RETENTION (inbox rows and tombstones stay at least SYNC_MESSAGE_TTL + retries)',
    }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], PruneSyncJob.prototype, "prune", null);
exports.PruneSyncJob = PruneSyncJob = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectDataSource)()),
    __param(1, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [typeorm_2.DataSource, Object])
], PruneSyncJob);
