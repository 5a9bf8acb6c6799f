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
exports.DatabaseReadinessCheck = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("typeorm");
let DatabaseReadinessCheck = class DatabaseReadinessCheck {
    dataSource;
    name = 'database';
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    async check() {
        if (!this.dataSource.isInitialized)
            throw new Error('not connected');
        await this.dataSource.query('SELECT 1');
        return { type: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite' };
    }
};
exports.DatabaseReadinessCheck = DatabaseReadinessCheck;
exports.DatabaseReadinessCheck = DatabaseReadinessCheck = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [typeorm_1.DataSource])
], DatabaseReadinessCheck);
