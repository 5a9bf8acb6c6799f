"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.deleteReplicaRows = deleteReplicaRows;
const replica_batch_state_1 = require("./replica-batch-state");
const replica_state_table_1 = require("./replica-state.table");
async function deleteReplicaRows(transactions, definition, pks) {
    const metadata = transactions.dataSource.getMetadata(definition.entity);
    const pkProperty = metadata.primaryColumns[0].propertyName;
    return transactions.run(undefined, async (manager) => {
        if (transactions.dialect === 'postgres')
            await (0, replica_batch_state_1.lockInstances)(manager, pks.map((pk) => ({ cqrsId: definition.cqrsId, pk })));
        let deleted = 0;
        for (const pk of pks) {
            const state = new replica_state_table_1.ReplicaState(manager, definition.cqrsId, String(pk));
            const where = { [pkProperty]: pk };
            const row = await manager.findOne(definition.entity, { where, lock: transactions.writeLock });
            if (!row)
                continue;
            await manager.delete(definition.entity, where);
            const tombstone = (await state.tombstoneRevision()) ?? 0;
            await state.writeTombstone(Math.max(row.cqrsRevision + 1, tombstone));
            deleted++;
        }
        return deleted;
    });
}
