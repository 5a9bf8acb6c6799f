"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var AppModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.AppModule = void 0;
const common_1 = require("@nestjs/common");
const auth_module_1 = require("./auth/auth.module");
const bus_module_1 = require("./bus/bus.module");
const bus_readiness_check_1 = require("./bus/bus.readiness-check");
const database_module_1 = require("./database/database.module");
const database_readiness_check_1 = require("./database/database.readiness-check");
const health_module_1 = require("./health/health.module");
const metrics_module_1 = require("./platform/metrics.module");
const index_controller_1 = require("./http/index.controller");
const items_module_1 = require("./items/items.module");
const jobs_module_1 = require("./jobs/jobs.module");
const settings_module_1 = require("./settings/settings.module");
const sync_module_1 = require("./sync/sync.module");
const users_module_1 = require("./users/users.module");
let AppModule = AppModule_1 = class AppModule {
    static forRoot(settings, modules = []) {
        return {
            module: AppModule_1,
            imports: [
                settings_module_1.SettingsModule.forRoot(settings),
                metrics_module_1.MetricsModule,
                database_module_1.DatabaseModule.forRoot(settings),
                auth_module_1.AuthModule.forRoot(settings),
                bus_module_1.BusModule.forRoot(settings),
                sync_module_1.SyncModule.forRoot(settings),
                health_module_1.HealthModule.forRoot([database_readiness_check_1.DatabaseReadinessCheck, bus_readiness_check_1.BusReadinessCheck]),
                users_module_1.UsersModule.forRoot(settings),
                jobs_module_1.JobsModule.forRoot(settings),
                items_module_1.ItemsModule,
                ...modules,
            ],
            controllers: [index_controller_1.IndexController],
        };
    }
};
exports.AppModule = AppModule;
exports.AppModule = AppModule = AppModule_1 = __decorate([
    (0, common_1.Module)({})
], AppModule);
