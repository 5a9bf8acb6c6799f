"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ItemsModule = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const sync_module_1 = require("../sync/sync.module");
const item_entity_1 = require("./item.entity");
const item_sync_1 = require("./item.sync");
const items_controller_1 = require("./items.controller");
const items_report_job_1 = require("./items-report.job");
const items_service_1 = require("./items.service");
const httpControllers = [items_controller_1.ItemsController];
const jobs = [items_report_job_1.ItemsReportJob];
let ItemsModule = class ItemsModule {
};
exports.ItemsModule = ItemsModule;
exports.ItemsModule = ItemsModule = __decorate([
    (0, common_1.Module)({
        imports: [typeorm_1.TypeOrmModule.forFeature([item_entity_1.Item]), sync_module_1.SyncModule.forMaster(item_sync_1.ITEM_MASTER)],
        controllers: [...httpControllers],
        providers: [items_service_1.ItemsService, ...jobs],
        exports: [items_service_1.ItemsService],
    })
], ItemsModule);
