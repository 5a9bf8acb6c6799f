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
exports.ItemsReportJob = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const scheduled_job_decorator_1 = require("../jobs/scheduled-job.decorator");
const item_entity_1 = require("./item.entity");
let ItemsReportJob = class ItemsReportJob {
    items;
    constructor(items) {
        this.items = items;
    }
    async report({ signal }) {
        const total = await this.items.count();
        signal.throwIfAborted();
        const dayAgo = new Date(Date.now() - 86_400_000);
        const added = await this.items.countBy({ createdAt: (0, typeorm_2.MoreThan)(dayAgo) });
        return `${total} item(s), ${added} added in the last 24h`;
    }
};
exports.ItemsReportJob = ItemsReportJob;
__decorate([
    (0, scheduled_job_decorator_1.ScheduledJob)({
        name: 'items-report',
        schedule: '0 6 * * *',
        timeoutSeconds: 60,
        description: 'log how many items there are and how many were added in the last day (example)',
    }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], ItemsReportJob.prototype, "report", null);
exports.ItemsReportJob = ItemsReportJob = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(item_entity_1.Item)),
    __metadata("design:paramtypes", [typeorm_2.Repository])
], ItemsReportJob);
