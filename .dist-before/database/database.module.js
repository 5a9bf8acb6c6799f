"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var DatabaseModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.DatabaseModule = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const database_readiness_check_1 = require("./database.readiness-check");
const data_source_1 = require("./data-source");
const migrator_1 = require("./migrator");
let DatabaseModule = DatabaseModule_1 = class DatabaseModule {
    static forRoot(settings) {
        return {
            module: DatabaseModule_1,
            imports: [
                typeorm_1.TypeOrmModule.forRootAsync({
                    useFactory: () => ({ ...(0, data_source_1.dataSourceOptions)(settings), autoLoadEntities: true }),
                    dataSourceFactory: async (options) => {
                        const dataSource = await new typeorm_2.DataSource(options).initialize();
                        if (settings.migrateOnStart) {
                            const applied = await (0, migrator_1.runPendingMigrations)(dataSource);
                            if (applied.length > 0) {
                                new common_1.Logger('Database').log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
                            }
                        }
                        return dataSource;
                    },
                }),
            ],
            providers: [database_readiness_check_1.DatabaseReadinessCheck],
            exports: [database_readiness_check_1.DatabaseReadinessCheck],
        };
    }
};
exports.DatabaseModule = DatabaseModule;
exports.DatabaseModule = DatabaseModule = DatabaseModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], DatabaseModule);
