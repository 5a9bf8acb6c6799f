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
exports.JwksController = void 0;
const common_1 = require("@nestjs/common");
const swagger_1 = require("@nestjs/swagger");
const jwt_keys_service_1 = require("./jwt-keys.service");
const public_decorator_1 = require("../platform/public.decorator");
let JwksController = class JwksController {
    keys;
    constructor(keys) {
        this.keys = keys;
    }
    jwks() {
        return this.keys.publicJwks();
    }
};
exports.JwksController = JwksController;
__decorate([
    (0, common_1.Get)('jwks.json'),
    (0, common_1.Header)('Cache-Control', 'public, max-age=300'),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], JwksController.prototype, "jwks", null);
exports.JwksController = JwksController = __decorate([
    (0, swagger_1.ApiTags)('auth'),
    (0, public_decorator_1.Public)(),
    (0, common_1.Controller)('.well-known'),
    __metadata("design:paramtypes", [jwt_keys_service_1.JwtKeysService])
], JwksController);
