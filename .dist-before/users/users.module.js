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
var UsersModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.UsersModule = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const refused_users_1 = require("../auth/refused-users");
const user_entity_1 = require("../auth/user.entity");
const user_writer_1 = require("../auth/user-writer");
const replica_applier_service_1 = require("../sync/replica-applier.service");
const sync_module_1 = require("../sync/sync.module");
const synced_user_entity_1 = require("./synced-user.entity");
const user_sync_1 = require("./user-sync");
let RefusedUsersLoader = class RefusedUsersLoader {
    dataSource;
    applier;
    refused;
    constructor(dataSource, applier, refused) {
        this.dataSource = dataSource;
        this.applier = applier;
        this.refused = refused;
    }
    async onApplicationBootstrap() {
        const inactive = await this.dataSource
            .getRepository(synced_user_entity_1.SyncedUser)
            .find({ where: { isActive: false }, select: { id: true } });
        for (const user of inactive)
            this.refused.refuse(user.id);
        for (const id of await this.applier.tombstonedPks(user_sync_1.USER_CQRS_ID))
            this.refused.refuse(id);
    }
};
RefusedUsersLoader = __decorate([
    __param(0, (0, typeorm_1.InjectDataSource)()),
    __param(1, (0, common_1.Inject)(replica_applier_service_1.ReplicaApplier)),
    __param(2, (0, common_1.Inject)(refused_users_1.RefusedUsers)),
    __metadata("design:paramtypes", [typeorm_2.DataSource,
        replica_applier_service_1.ReplicaApplier,
        refused_users_1.RefusedUsers])
], RefusedUsersLoader);
let UsersModule = UsersModule_1 = class UsersModule {
    static forRoot(settings) {
        if (settings.jwtSignKey !== false)
            return {
                module: UsersModule_1,
                global: true,
                imports: [typeorm_1.TypeOrmModule.forFeature([user_entity_1.User]), sync_module_1.SyncModule.forMaster(user_sync_1.USER_MASTER)],
                providers: [
                    {
                        provide: user_writer_1.USER_WRITER,
                        inject: [(0, sync_module_1.masterRepositoryToken)(user_entity_1.User)],
                        useFactory: (master) => new user_sync_1.SyncedUserWriter(master),
                    },
                ],
                exports: [user_writer_1.USER_WRITER],
            };
        return {
            module: UsersModule_1,
            imports: [
                typeorm_1.TypeOrmModule.forFeature([synced_user_entity_1.SyncedUser]),
                sync_module_1.SyncModule.forReplica({
                    inject: [refused_users_1.RefusedUsers],
                    useFactory: (refused) => (0, user_sync_1.userReplica)(refused),
                }),
            ],
            providers: [RefusedUsersLoader],
        };
    }
};
exports.UsersModule = UsersModule;
exports.UsersModule = UsersModule = UsersModule_1 = __decorate([
    (0, common_1.Module)({})
], UsersModule);
