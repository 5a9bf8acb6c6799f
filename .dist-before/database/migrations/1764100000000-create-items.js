"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateItems1764100000000 = void 0;
const typeorm_1 = require("typeorm");
const portable_types_1 = require("./portable-types");
class CreateItems1764100000000 {
    name = 'CreateItems1764100000000';
    async up(queryRunner) {
        const type = (0, portable_types_1.portableTypes)(queryRunner);
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'items',
            columns: [
                { name: 'id', type: type.uuid, isPrimary: true },
                { name: 'name', type: 'varchar', length: '200' },
                { name: 'description', type: 'varchar', length: '2000', default: "''" },
                { name: 'quantity', type: 'integer', default: 0 },
                { name: 'created_at', type: type.timestamp, default: type.now },
                { name: 'updated_at', type: type.timestamp, default: type.now },
            ],
        }));
        await queryRunner.createIndex('items', new typeorm_1.TableIndex({ name: 'IDX_items_name', columnNames: ['name'] }));
        await queryRunner.createIndex('items', new typeorm_1.TableIndex({ name: 'IDX_items_created_at', columnNames: ['created_at'] }));
    }
    async down(queryRunner) {
        await queryRunner.dropTable('items');
    }
}
exports.CreateItems1764100000000 = CreateItems1764100000000;
