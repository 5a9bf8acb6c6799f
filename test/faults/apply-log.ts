import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReplicaApplier } from '../../src/sync/replica-applier.service';
import { ReplicaDefinition, ReplicaEvent } from '../../src/sync/replica.definition';
import { SyncModule } from '../../src/sync/sync.module';
import { HookLog, ItemCopy, itemCopyReplica } from '../support/sync-testbed';

/**
 * The fault tests' replica of `item`: the test item replica (renamed fields, `test_item_copies`)
 * whose hooks also append to `test_apply_log` in the apply transaction. The log survives a
 * SIGKILL with exactly the applies that committed, so "nothing applied twice" is a query on it:
 * no (pk, kind, revision) twice. `test_drop_log` records each event the applier dropped (stale or
 * duplicate) with its pk, which the metrics cannot tell apart from other tests' events on the
 * shared broker.
 */
export const APPLY_LOG_TABLE = 'test_apply_log';
export const DROP_LOG_TABLE = 'test_drop_log';

export type ApplyKind = 'create' | 'update' | 'delete';

function logApply(kind: ApplyKind, event: ReplicaEvent<ItemCopy>): Promise<unknown> {
  const revision = event.body.instance_data.cqrs_revision;
  return event.manager.query(
    `INSERT INTO ${APPLY_LOG_TABLE} (instance_pk, kind, cqrs_revision) VALUES ($1, $2, $3)`,
    [String(event.pk), kind, typeof revision === 'number' ? revision : null],
  );
}

export function loggedItemReplica(): ReplicaDefinition<ItemCopy> {
  return {
    ...itemCopyReplica(new HookLog()),
    onCreate: (event) => logApply('create', event).then(() => undefined),
    onUpdate: (event) => logApply('update', event).then(() => undefined),
    onDelete: (event) => logApply('delete', event).then(() => undefined),
  };
}

export function loggedItemReplicaModule(): DynamicModule {
  @Module({ imports: [TypeOrmModule.forFeature([ItemCopy])] })
  class LoggedItemCopiesModule {}
  return { module: LoggedItemCopiesModule, imports: [SyncModule.forReplica(loggedItemReplica())] };
}

/** Wraps the applier so every dropped event is also written to `test_drop_log` (test entry only). */
export function logDrops(applier: ReplicaApplier, dataSource: DataSource): void {
  const apply = applier.apply.bind(applier);
  applier.apply = async (body) => {
    const result = await apply(body);
    if (result.kind === 'dropped') {
      const data = body.instance_data;
      await dataSource.query(
        `INSERT INTO ${DROP_LOG_TABLE} (instance_pk, signal_type, cqrs_revision, reason) VALUES ($1, $2, $3, $4)`,
        [
          String(data.id),
          body.signal_type,
          typeof data.cqrs_revision === 'number' ? data.cqrs_revision : null,
          result.reason,
        ],
      );
    }
    return result;
  };
}

/** The replica's tables (PostgreSQL): the item copies and the apply log. Idempotent (restarts). */
export async function createReplicaTables(runner: DataSource | EntityManager): Promise<void> {
  await runner.query(`CREATE TABLE IF NOT EXISTS test_item_copies (
    id varchar(64) PRIMARY KEY,
    title varchar(200) NOT NULL,
    price varchar(32),
    stock integer,
    made_at timestamp,
    cqrs_revision integer NOT NULL DEFAULT 0,
    cqrs_updated timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
  await runner.query(`CREATE TABLE IF NOT EXISTS ${APPLY_LOG_TABLE} (
    seq bigserial PRIMARY KEY,
    instance_pk varchar(64) NOT NULL,
    kind varchar(8) NOT NULL,
    cqrs_revision integer,
    applied_at timestamp NOT NULL DEFAULT clock_timestamp())`);
  await runner.query(`CREATE TABLE IF NOT EXISTS ${DROP_LOG_TABLE} (
    seq bigserial PRIMARY KEY,
    instance_pk varchar(64) NOT NULL,
    signal_type varchar(8) NOT NULL,
    cqrs_revision integer,
    reason varchar(16) NOT NULL)`);
}
