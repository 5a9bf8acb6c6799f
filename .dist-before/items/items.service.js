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
Object.defineProperty(exports, "__esModule", { value: true });
exports.ItemsService = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const node_crypto_1 = require("node:crypto");
const typeorm_2 = require("typeorm");
const master_repository_1 = require("../sync/master-repository");
const sync_module_1 = require("../sync/sync.module");
const item_response_1 = require("./dto/item.response");
const item_entity_1 = require("./item.entity");
let ItemsService = class ItemsService {
    items;
    writes;
    constructor(items, writes) {
        this.items = items;
        this.writes = writes;
    }
    async create(dto) {
        return item_response_1.ItemResponse.from(await this.writes.create({ id: (0, node_crypto_1.randomUUID)(), description: '', quantity: 0, ...dto }));
    }
    async list(query) {
        const descending = query.ordering.startsWith('-');
        const column = query.ordering.replace('-', '') === 'name' ? 'item.name' : 'item.createdAt';
        const builder = this.items
            .createQueryBuilder('item')
            .orderBy(column, descending ? 'DESC' : 'ASC')
            .addOrderBy('item.id', 'ASC')
            .take(query.limit)
            .skip(query.offset);
        if (query.search) {
            builder.where("LOWER(item.name) LIKE :pattern ESCAPE '\\'", {
                pattern: `%${escapeLike(query.search.toLowerCase())}%`,
            });
        }
        const [rows, count] = await builder.getManyAndCount();
        return {
            count,
            limit: query.limit,
            offset: query.offset,
            results: rows.map((row) => item_response_1.ItemResponse.from(row)),
        };
    }
    async get(id) {
        return item_response_1.ItemResponse.from(await this.findOrFail(id));
    }
    async update(id, dto) {
        const item = await this.writes.update(id, { ...dto });
        if (!item)
            throw new common_1.NotFoundException(`item ${id} not found`);
        return item_response_1.ItemResponse.from(item);
    }
    async remove(id) {
        if (!(await this.writes.delete(id)))
            throw new common_1.NotFoundException(`item ${id} not found`);
    }
    async findOrFail(id) {
        const item = await this.items.findOneBy({ id });
        if (!item)
            throw new common_1.NotFoundException(`item ${id} not found`);
        return item;
    }
};
exports.ItemsService = ItemsService;
exports.ItemsService = ItemsService = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(item_entity_1.Item)),
    __param(1, (0, sync_module_1.InjectMasterRepository)(item_entity_1.Item)),
    __metadata("design:paramtypes", [typeorm_2.Repository,
        master_repository_1.MasterRepository])
], ItemsService);
function escapeLike(value) {
    return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
