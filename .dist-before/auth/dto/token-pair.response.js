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
exports.MeResponse = exports.TokenPairResponse = void 0;
const swagger_1 = require("@nestjs/swagger");
class TokenPairResponse {
    access;
    refresh;
}
exports.TokenPairResponse = TokenPairResponse;
__decorate([
    (0, swagger_1.ApiProperty)({ description: 'access token (RS256 JWT), sent as Authorization: Bearer <access>' }),
    __metadata("design:type", String)
], TokenPairResponse.prototype, "access", void 0);
__decorate([
    (0, swagger_1.ApiProperty)({ description: 'refresh token; single use, POST it to /api/token/refresh/' }),
    __metadata("design:type", String)
], TokenPairResponse.prototype, "refresh", void 0);
class MeResponse {
    user_id;
    username;
    roles;
}
exports.MeResponse = MeResponse;
__decorate([
    (0, swagger_1.ApiProperty)(),
    __metadata("design:type", String)
], MeResponse.prototype, "user_id", void 0);
__decorate([
    (0, swagger_1.ApiProperty)(),
    __metadata("design:type", String)
], MeResponse.prototype, "username", void 0);
__decorate([
    (0, swagger_1.ApiProperty)({ type: [String] }),
    __metadata("design:type", Array)
], MeResponse.prototype, "roles", void 0);
