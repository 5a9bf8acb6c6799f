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
exports.ListItemsQuery = exports.ITEM_ORDERINGS = void 0;
const swagger_1 = require("@nestjs/swagger");
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
const validators_1 = require("../../http/validators");
const MAX_OFFSET = 1_000_000_000;
exports.ITEM_ORDERINGS = ['created_at', '-created_at', 'name', '-name'];
class ListItemsQuery {
    limit = 20;
    offset = 0;
    ordering = '-created_at';
    search;
}
exports.ListItemsQuery = ListItemsQuery;
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ default: 20, minimum: 1, maximum: 100 }),
    (0, class_validator_1.IsOptional)(),
    (0, class_transformer_1.Type)(() => Number),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(1),
    (0, class_validator_1.Max)(100),
    __metadata("design:type", Number)
], ListItemsQuery.prototype, "limit", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ default: 0, minimum: 0, maximum: MAX_OFFSET }),
    (0, class_validator_1.IsOptional)(),
    (0, class_transformer_1.Type)(() => Number),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(0),
    (0, class_validator_1.Max)(MAX_OFFSET),
    __metadata("design:type", Number)
], ListItemsQuery.prototype, "offset", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ enum: exports.ITEM_ORDERINGS, default: '-created_at' }),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsIn)(exports.ITEM_ORDERINGS),
    __metadata("design:type", String)
], ListItemsQuery.prototype, "ordering", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ description: 'case-insensitive substring of the name' }),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(200),
    (0, validators_1.NoNulCharacter)(),
    __metadata("design:type", String)
], ListItemsQuery.prototype, "search", void 0);
