import { DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Channel, ChannelModel, connect, ConsumeMessage, GetMessage } from 'amqplib';
import { Column, DataSource, Entity, PrimaryColumn, Table } from 'typeorm';
import { MetricsService } from '../../src/platform/metrics.service';
import { encodeCqrsBody, JsonObject, SignalType } from '../../src/sync/cqrs-message';
import { SYNC_CLOCK, SyncClock } from '../../src/sync/sync-consumer';
import { ReplicaDefinition, ReplicaEvent } from '../../src/sync/replica.definition';
import { CQRS_EXCHANGE, METRICS } from '../../src/sync/sync.constants';
import { SyncModule } from '../../src/sync/sync.module';
import { SyncedColumns } from '../../src/sync/synced-columns';
import { BrokerJanitor, TEST_AMQP_URL, uniqueName, waitFor } from './broker';
import { startTestApp, TestApp } from './test-app';

/**
 * A replica entity of the tests only: `item` as a Django master's serializer sends it (sample 04)
 * and as this template's items master sends it, with field names that differ from the master's.
 */
@Entity({ name: 'test_item_copies' })
export class ItemCopy extends SyncedColumns {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  price!: string | null;

  @Column({ type: 'integer', nullable: true })
  stock!: number | null;

  @Column({ name: 'made_at', type: Date, nullable: true })
  madeAt!: Date | null;
}

function itemCopiesTable(isPostgres: boolean): Table {
  const timestamp = isPostgres ? 'timestamp' : 'datetime';
  return new Table({
    name: 'test_item_copies',
    columns: [
      { name: 'id', type: 'varchar', length: '64', isPrimary: true },
      { name: 'title', type: 'varchar', length: '200' },
      { name: 'price', type: 'varchar', length: '32', isNullable: true },
      { name: 'stock', type: 'integer', isNullable: true },
      { name: 'made_at', type: timestamp, isNullable: true },
      { name: 'cqrs_revision', type: 'integer', default: 0 },
      { name: 'cqrs_updated', type: timestamp, default: 'CURRENT_TIMESTAMP' },
    ],
  });
}

/** What the replica's hooks saw, and a switch to make them fail (retry tests). */
export class HookLog {
  readonly events: { kind: 'create' | 'update' | 'delete'; pk: string | number; revision: number | null }[] =
    [];
  /** Titles whose apply throws (a "database" failure the consumer retries). */
  readonly failingTitles = new Set<string>();
  /** The transaction (query runner) each hook ran in, by pk: which events were applied together. */
  readonly transactionOf = new Map<string | number, unknown>();

  record(kind: 'create' | 'update' | 'delete', event: ReplicaEvent<ItemCopy>): void {
    if (event.row && this.failingTitles.has(event.row.title))
      throw new Error(`hook refuses ${event.row.title}`);
    this.transactionOf.set(event.pk, event.manager.queryRunner);
    const revision = event.body.instance_data.cqrs_revision;
    this.events.push({ kind, pk: event.pk, revision: typeof revision === 'number' ? revision : null });
  }
}

/** The replica of `item` the tests declare: master `name` → `title`, `quantity` → `stock`, … */
export function itemCopyReplica(log: HookLog): ReplicaDefinition<ItemCopy> {
  return {
    cqrsId: 'item',
    entity: ItemCopy,
    mapping: {
      id: 'id',
      title: 'name',
      price: (data: JsonObject) =>
        typeof data.price === 'string' || typeof data.price === 'number' ? String(data.price) : null,
      stock: (data: JsonObject) => (typeof data.quantity === 'number' ? data.quantity : null),
      madeAt: (data: JsonObject) => {
        const value = data.created_at;
        return typeof value === 'string' ? new Date(value.replace(' ', 'T')) : null;
      },
    },
    onCreate: (event) => log.record('create', event),
    onUpdate: (event) => log.record('update', event),
    onDelete: (event) => log.record('delete', event),
  };
}

/** Registers the item replica in a test app (the table is made by `createItemCopiesTable`). */
export function itemReplicaModule(log: HookLog): DynamicModule {
  @Module({ imports: [TypeOrmModule.forFeature([ItemCopy])] })
  class ItemCopiesModule {}
  return {
    module: ItemCopiesModule,
    imports: [SyncModule.forReplica(itemCopyReplica(log))],
  };
}

export async function createItemCopiesTable(app: TestApp): Promise<void> {
  const dataSource = app.app.get<DataSource>(getDataSourceToken());
  const runner = dataSource.createQueryRunner();
  try {
    await runner.createTable(itemCopiesTable(dataSource.options.type === 'postgres'), true);
  } finally {
    await runner.release();
  }
}

export function dataSourceOf(app: TestApp): DataSource {
  return app.app.get<DataSource>(getDataSourceToken());
}

/** Declares (and later deletes) a service's sync queues: its queue, DLQ and retry delay queues. */
export function trackSyncQueues(janitor: BrokerJanitor, queue: string, cqrsIds: readonly string[]): void {
  janitor.serviceQueue(queue);
  for (const cqrsId of cqrsIds) janitor.extraQueue(`${queue}.cqrs-retry.${cqrsId}`);
}

export interface ProbedMessage {
  readonly routingKey: string;
  readonly exchange: string;
  readonly content: Buffer;
  readonly body: Record<string, unknown>;
  readonly message: ConsumeMessage;
}

/**
 * A plain amqplib consumer of the `cqrs` exchange, as a foreign (Django) replica would see it: its
 * own queue bound to the given routing keys. The shared broker may carry other runs' messages for
 * the same keys: `matching()` filters by instance.
 */
export class CqrsProbe {
  readonly queue = uniqueName('cqrs-probe');
  readonly received: ProbedMessage[] = [];
  private connection: ChannelModel | null = null;
  private channel: Channel | null = null;

  async start(routingKeys: readonly string[]): Promise<void> {
    this.connection = await connect(TEST_AMQP_URL);
    this.connection.on('error', () => undefined);
    this.channel = await this.connection.createChannel();
    await this.channel.assertExchange(CQRS_EXCHANGE, 'topic', { durable: true });
    await this.channel.assertQueue(this.queue, { durable: false, autoDelete: true });
    for (const key of routingKeys) await this.channel.bindQueue(this.queue, CQRS_EXCHANGE, key);
    await this.channel.consume(
      this.queue,
      (message) => {
        if (!message) return;
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(message.content.toString('utf8')) as Record<string, unknown>;
        } catch {
          // kept with an empty body: a test that expects JSON fails on it
        }
        this.received.push({
          routingKey: message.fields.routingKey,
          exchange: message.fields.exchange,
          content: message.content,
          body,
          message,
        });
      },
      { noAck: true },
    );
  }

  matching(pk: string | number): ProbedMessage[] {
    return this.received.filter((m) => m.body.instance_pk === pk);
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    await waitFor(what, predicate, timeoutMs);
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}

/** Publishes a body on `cqrs` as a Django master or replica would (text/plain, persistent). */
export async function publishCqrs(routingKey: string, content: Buffer, expiration?: string): Promise<void> {
  const connection = await connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(CQRS_EXCHANGE, 'topic', { durable: true });
    channel.publish(CQRS_EXCHANGE, routingKey, content, {
      contentType: 'text/plain',
      persistent: true,
      ...(expiration ? { expiration } : {}),
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Takes every message out of a queue (ack), for looking at dead letters. */
export async function drainQueue(queue: string): Promise<GetMessage[]> {
  const connection = await connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const taken: GetMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      taken.push(message);
    }
    return taken;
  } finally {
    await connection.close();
  }
}

export { startTestApp };

/** A settable clock for expiry checks (the samples were made for 2026-11-25 20:00 UTC). */
export class TestClock implements SyncClock {
  constructor(public current: number | null = null) {}

  now(): number {
    return this.current ?? Date.now();
  }
}

export function clockModule(clock: TestClock): DynamicModule {
  @Global()
  @Module({ providers: [{ provide: SYNC_CLOCK, useValue: clock }], exports: [SYNC_CLOCK] })
  class TestClockModule {}
  return { module: TestClockModule };
}

/** Sum of a sync counter of one app, for a `cqrs_id` (all other labels summed). */
export async function syncCounter(app: TestApp, name: string, cqrsId: string): Promise<number> {
  const service = app.app.get(MetricsService);
  const metrics = await service.registry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === service.nameOf(name));
  if (!metric) return 0;
  return (metric.values as { value: number; labels: Record<string, unknown> }[])
    .filter((value) => value.labels.cqrs_id === cqrsId)
    .reduce((sum, value) => sum + value.value, 0);
}

/** Events of `cqrsId` the replica has finished with: applied, dropped, dead-lettered. */
export async function settledEvents(app: TestApp, cqrsId: string): Promise<number> {
  const names = [METRICS.applied, METRICS.droppedStale, METRICS.duplicate, METRICS.deadLettered];
  let total = 0;
  for (const name of names) total += await syncCounter(app, name, cqrsId);
  return total;
}

/** An `item` message as a Django master with a serializer would send it. */
export function itemMessage(
  signal: SignalType,
  pk: string,
  revision: number,
  fields: { name?: string; price?: string; extra?: JsonObject } = {},
  retries = 0,
): Buffer {
  const updated = '2026-11-25 20:00:00.118377+00:00';
  const instanceData: JsonObject =
    signal === 'DELETE'
      ? { id: pk, cqrs_revision: revision, cqrs_updated: updated }
      : {
          id: pk,
          name: fields.name ?? 'Widget',
          price: fields.price ?? '19.90',
          owner: 42,
          created_at: '2026-11-20T08:15:30.250000Z',
          ...fields.extra,
          cqrs_revision: revision,
          cqrs_updated: updated,
        };
  return encodeCqrsBody({
    signal_type: signal,
    cqrs_id: 'item',
    instance_data: instanceData,
    previous_data: null,
    instance_pk: pk,
    correlation_id: null,
    retries,
    expires: null,
    meta: {},
  });
}
