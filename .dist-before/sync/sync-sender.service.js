"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncSender = void 0;
const typeorm_1 = require("typeorm");
const DEFAULT_BATCH = 1_000;
class SyncSender {
    registry;
    constructor(registry) {
        this.registry = registry;
    }
    async resync(cqrsId, options = {}) {
        const master = this.registry.master(cqrsId);
        const { metadata, pkProperty } = master.master;
        const { dataSource } = this.registry.transactions;
        const batchSize = options.batchSize ?? DEFAULT_BATCH;
        const query = () => {
            const builder = dataSource.createQueryBuilder(metadata.target, 'row');
            if (options.where)
                builder.where(options.where);
            return builder;
        };
        const total = await query().getCount();
        let done = 0;
        let last = undefined;
        for (;;) {
            const rows = await this.registry.transactions.run(undefined, async (manager) => {
                const builder = manager
                    .createQueryBuilder(metadata.target, 'row')
                    .orderBy(`row.${pkProperty}`, 'ASC')
                    .limit(batchSize);
                if (options.where)
                    builder.where(new typeorm_1.Brackets((inner) => inner.where(options.where)));
                if (last !== undefined)
                    builder.andWhere(`row.${pkProperty} > :last`, { last });
                if (dataSource.options.type === 'postgres')
                    builder.setLock('pessimistic_read');
                const batch = (await builder.getMany());
                await master.enqueueSync(manager, batch, options.queue ?? null);
                return batch;
            });
            if (rows.length === 0)
                break;
            done += rows.length;
            last = master.master.pkOf(rows[rows.length - 1]);
            options.onProgress?.(done, total);
            if (rows.length < batchSize)
                break;
        }
        return done;
    }
}
exports.SyncSender = SyncSender;
