"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MasterRows = void 0;
const typeorm_1 = require("typeorm");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d+$/;
const NUMERIC_TYPES = new Set([Number, 'integer', 'int', 'int4', 'int8', 'bigint', 'smallint']);
class MasterRows {
    master;
    transactions;
    constructor(master, transactions) {
        this.master = master;
        this.transactions = transactions;
    }
    count(where) {
        const builder = this.transactions.dataSource.createQueryBuilder(this.master.metadata.target, 'row');
        if (where)
            builder.where(where);
        return builder.getCount();
    }
    async *pages(where, pageSize) {
        const { metadata, pkProperty } = this.master;
        let last = undefined;
        for (;;) {
            const builder = this.transactions.dataSource
                .createQueryBuilder(metadata.target, 'row')
                .orderBy(`row.${pkProperty}`, 'ASC')
                .take(pageSize);
            if (where)
                builder.where(where);
            if (last !== undefined)
                builder.andWhere(`row.${pkProperty} > :last`, { last });
            const rows = (await builder.getMany());
            if (rows.length === 0)
                return;
            last = this.master.pkOf(rows[rows.length - 1]);
            yield { rows: rows.filter((row) => this.master.shouldSync(row)), scanned: rows.length };
            if (rows.length < pageSize)
                return;
        }
    }
    async existing(pks) {
        const values = pks.map((pk) => this.toMasterPk(pk)).filter((pk) => pk !== null);
        if (values.length === 0)
            return new Set();
        const { metadata, pkProperty } = this.master;
        const rows = (await this.transactions.dataSource.manager.find(metadata.target, {
            select: { [pkProperty]: true },
            where: { [pkProperty]: (0, typeorm_1.In)(values) },
        }));
        return new Set(rows.map((row) => String(this.master.instancePkOf(row))));
    }
    toMasterPk(pk) {
        const column = this.master.metadata.primaryColumns[0];
        if (NUMERIC_TYPES.has(column.type)) {
            if (typeof pk === 'number')
                return pk;
            return INTEGER.test(pk) ? Number(pk) : null;
        }
        if (column.type === 'uuid')
            return UUID.test(String(pk)) ? String(pk) : null;
        return String(pk);
    }
}
exports.MasterRows = MasterRows;
