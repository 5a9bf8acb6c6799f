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
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncedUser = void 0;
const typeorm_1 = require("typeorm");
const synced_columns_1 = require("../sync/synced-columns");
const user_entity_1 = require("../auth/user.entity");
let SyncedUser = class SyncedUser extends synced_columns_1.SyncedColumns {
    id;
    username;
    isActive;
    roles;
    dateJoined;
};
exports.SyncedUser = SyncedUser;
__decorate([
    (0, typeorm_1.PrimaryColumn)({ type: 'varchar', length: 64 }),
    __metadata("design:type", String)
], SyncedUser.prototype, "id", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 150 }),
    __metadata("design:type", String)
], SyncedUser.prototype, "username", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'is_active', type: 'boolean', default: true }),
    __metadata("design:type", Boolean)
], SyncedUser.prototype, "isActive", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 1000, default: '', transformer: user_entity_1.rolesColumn }),
    __metadata("design:type", Array)
], SyncedUser.prototype, "roles", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'date_joined', type: Date, nullable: true }),
    __metadata("design:type", Object)
], SyncedUser.prototype, "dateJoined", void 0);
exports.SyncedUser = SyncedUser = __decorate([
    (0, typeorm_1.Entity)({ name: 'synced_users' })
], SyncedUser);
