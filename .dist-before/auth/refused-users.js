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
exports.RefusedUsers = void 0;
const common_1 = require("@nestjs/common");
const token_service_1 = require("./token.service");
let RefusedUsers = class RefusedUsers {
    tokens;
    refused = new Set();
    constructor(tokens) {
        this.tokens = tokens;
    }
    refuse(userId) {
        this.refused.add(userId);
        this.tokens.forgetUser(userId);
    }
    readmit(userId) {
        this.refused.delete(userId);
    }
    isRefused(userId) {
        return this.refused.size > 0 && this.refused.has(userId);
    }
    get size() {
        return this.refused.size;
    }
};
exports.RefusedUsers = RefusedUsers;
exports.RefusedUsers = RefusedUsers = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [token_service_1.TokenService])
], RefusedUsers);
