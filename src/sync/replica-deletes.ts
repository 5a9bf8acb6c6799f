import { FindOptionsWhere } from 'typeorm';
import { InstancePk } from './cqrs-message';
import { ReplicaDefinition } from './replica.definition';
import { lockInstances } from './replica-batch-state';
import { ReplicaState } from './replica-state.table';
import { SyncTransactions } from './sync-transactions';
import { SyncedColumns } from './synced-columns';

/**
 * Deletes replica rows whose master row is gone (django-cqrs `cqrs_deleted_sync_replica`), in one
 * transaction, each instance locked as the applier locks it, and leaves the tombstone a DELETE
 * from the master would leave (revision + 1), so a late SAVE cannot bring the row back.
 * The replica's hooks do not run (they live in the app): a master's `sync:repair` sends DELETEs
 * through the bus instead, and those run them.
 */
export async function deleteReplicaRows(
  transactions: SyncTransactions,
  definition: ReplicaDefinition,
  pks: readonly InstancePk[],
): Promise<number> {
  const metadata = transactions.dataSource.getMetadata(definition.entity);
  const pkProperty = metadata.primaryColumns[0].propertyName;
  return transactions.run(undefined, async (manager) => {
    // All at once, in the order the applier's batches lock them: never a deadlock with them.
    if (transactions.dialect === 'postgres')
      await lockInstances(
        manager,
        pks.map((pk) => ({ cqrsId: definition.cqrsId, pk })),
      );
    let deleted = 0;
    for (const pk of pks) {
      const state = new ReplicaState(manager, definition.cqrsId, String(pk));
      const where = { [pkProperty]: pk } as FindOptionsWhere<SyncedColumns>;
      const row = await manager.findOne(definition.entity, { where, lock: transactions.writeLock });
      if (!row) continue;
      await manager.delete(definition.entity, where);
      const tombstone = (await state.tombstoneRevision()) ?? 0;
      await state.writeTombstone(Math.max(row.cqrsRevision + 1, tombstone));
      deleted++;
    }
    return deleted;
  });
}
