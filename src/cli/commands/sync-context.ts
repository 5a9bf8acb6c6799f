import { LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { User } from '../../auth/user.entity';
import { BusClient } from '../../bus/bus.client';
import { createBusClient } from '../../bus/bus.module';
import { BusMetrics } from '../../bus/bus.metrics';
import { createDataSource, EntityClass } from '../../database/data-source';
import { Item } from '../../items/item.entity';
import { ITEM_MASTER, ITEM_REPLICA } from '../../items/item.sync';
import { DatabaseSettings, Settings } from '../../settings/settings';
import { MasterRepository } from '../../sync/master-repository';
import { OutboxRelay } from '../../sync/outbox-relay.service';
import { ReplicaTableReader } from '../../sync/replica-revisions';
import { CQRS_EXCHANGE, TABLES } from '../../sync/sync.constants';
import { SyncMetrics } from '../../sync/sync.metrics';
import { SyncRegistrationError, SyncRegistry } from '../../sync/sync.registry';
import { SyncTransactions } from '../../sync/sync-transactions';
import { SyncedColumns } from '../../sync/synced-columns';
import { SyncedUser } from '../../users/synced-user.entity';
import { USER_CQRS_ID, USER_MASTER } from '../../users/user-sync';
import { CliError } from '../cli-error';

/**
 * What the sync commands know beyond the template's own declarations: a team that adds a master
 * or a replica registers it here too (its CLI entry passes this to `runCli`), and so do tests.
 */
export interface SyncCliExtensions {
  /** Entities of the extra masters and replicas, for the CLI's data source. */
  readonly entities?: readonly EntityClass[];
  /** Adds the extra masters and replicas, e.g. `(registry) => registry.addMaster(ORDER_MASTER)`. */
  readonly register?: (registry: SyncRegistry) => void;
}

/**
 * The template's sync declarations, as its modules make them in the app: `items` masters `item`,
 * or replicates it with ITEMS_SYNC=replica (ItemsModule); the login service masters `user`, a verify-only service (JWT_SIGN_KEY=0)
 * replicates it (UsersModule). The CLI only reads replica tables, so a replica needs no hooks here.
 */
function registerTemplateSync(settings: Settings, registry: SyncRegistry): void {
  if (settings.itemsSync === 'replica') registry.addReplica(ITEM_REPLICA);
  else registry.addMaster(ITEM_MASTER);
  if (settings.jwtSignKey !== false) registry.addMaster(USER_MASTER);
  else registry.addReplica({ cqrsId: USER_CQRS_ID, entity: SyncedUser });
}

const TEMPLATE_ENTITIES: readonly EntityClass[] = [Item, User, SyncedUser];

/** The CLI's data sync: the service's database and registry, and a bus client when one is needed. */
export class SyncCli {
  private busClient: BusClient | null = null;

  private constructor(
    readonly settings: Settings,
    readonly dataSource: DataSource,
    readonly transactions: SyncTransactions,
    readonly registry: SyncRegistry,
  ) {}

  static async open(settings: Settings, extensions: SyncCliExtensions = {}): Promise<SyncCli> {
    const entities = [...TEMPLATE_ENTITIES, ...(extensions.entities ?? [])];
    const dataSource = await openDatabase(settings.database, entities);
    try {
      const runner = dataSource.createQueryRunner();
      const isMigrated = await runner.hasTable(TABLES.outbox).finally(() => runner.release());
      if (!isMigrated) throw new CliError('the sync tables do not exist: run `npm run cli -- migrate` first');
      const transactions = new SyncTransactions(dataSource);
      const registry = new SyncRegistry(dataSource, transactions);
      registerTemplateSync(settings, registry);
      extensions.register?.(registry);
      return new SyncCli(settings, dataSource, transactions, registry);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }

  /** The master of `cqrsId` here, or a one-line error naming the ones there are. */
  master(cqrsId: string): MasterRepository<SyncedColumns> {
    try {
      return this.registry.master(cqrsId);
    } catch (error) {
      if (!(error instanceof SyncRegistrationError)) throw error;
      const known = this.registry.masterIds;
      throw new CliError(
        `this service is not the master of cqrs_id "${cqrsId}" (${known.length ? `it masters: ${known.join(', ')}` : 'it masters nothing'})`,
      );
    }
  }

  /** Reads the replica table of `cqrsId` here (`sync:diff-replica`). */
  replicaReader(cqrsId: string): ReplicaTableReader {
    const definition = this.registry.replica(cqrsId);
    if (!definition) {
      const known = this.registry.replicaIds;
      throw new CliError(
        `this service has no replica of cqrs_id "${cqrsId}" (${known.length ? `it replicates: ${known.join(', ')}` : 'it replicates nothing'})`,
      );
    }
    const metadata = this.dataSource.getMetadata(definition.entity);
    return new ReplicaTableReader(
      this.dataSource,
      metadata.tablePath,
      metadata.primaryColumns[0].databaseName,
    );
  }

  get hasBroker(): boolean {
    return this.settings.amqpUrl !== null;
  }

  /** A RabbitMQ client (the `cqrs` exchange declared); `what` names the command in the error. */
  async bus(what: string): Promise<BusClient> {
    if (!this.settings.amqpUrl)
      throw new CliError(
        `${what} needs AMQP_URL: without a broker there is nothing to reach other services with`,
      );
    if (!this.busClient) {
      this.busClient = createBusClient(this.settings, null, new BusMetrics(null));
      await this.busClient.declareExchange(CQRS_EXCHANGE);
      await this.busClient.connect();
    }
    return this.busClient;
  }

  /**
   * Publishes every pending outbox row now, as the service's relay would (safe beside running
   * replicas of the service on PostgreSQL: the relays share partitions under row locks).
   * `onProgress` gets rows published so far and the pending count (it may grow).
   */
  async publishOutbox(onProgress?: (done: number, total: number) => void): Promise<number> {
    const bus = await this.bus('publishing the outbox');
    const metrics = new SyncMetrics(null, () => OutboxRelay.readBacklog(this.dataSource));
    const relay = new OutboxRelay(this.dataSource, this.transactions, bus, metrics, {
      batchSize: this.settings.sync.relayBatchSize,
    });
    const backlog = await OutboxRelay.readBacklog(this.dataSource);
    let total = backlog.reduce((sum, entry) => sum + entry.depth, 0);
    let done = 0;
    onProgress?.(0, total);
    for (let published = -1; published !== 0;) {
      published = await relay.publishPending();
      done += published;
      total = Math.max(total, done);
      onProgress?.(done, total);
    }
    return done;
  }

  async close(): Promise<void> {
    try {
      // Waits for the publisher's unconfirmed messages (ClientProxy types close() loosely).
      await (this.busClient?.close() as Promise<void> | undefined);
    } finally {
      await this.dataSource.destroy();
    }
  }
}

/** A database named by a DATABASE_URL-style URL (the replica's, for `--replica-database-url`). */
export function parseDatabaseUrl(value: string, option: string): DatabaseSettings {
  if (value.startsWith('sqlite:///') && value.length > 'sqlite:///'.length)
    return { type: 'sqlite', path: value.slice('sqlite:///'.length) };
  if (/^postgres(ql)?:\/\/[^/]+\/[^/]+/.test(value)) return { type: 'postgres', url: value };
  throw new CliError(`${option} must look like postgres://user@host:5432/db or sqlite:///path/db.sqlite3`);
}

export async function openDatabase(
  database: DatabaseSettings,
  entities: readonly EntityClass[] = [],
): Promise<DataSource> {
  try {
    return await createDataSource({ database, debug: false }, entities).initialize();
  } catch (error) {
    const where = database.type === 'postgres' ? 'PostgreSQL' : `SQLite file ${database.path}`;
    throw new CliError(`cannot open the database (${where}): ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Nest's Logger (used by the relay) in a CLI: warnings and errors as lines on stderr, never stdout. */
export class CliLogger implements LoggerService {
  constructor(private readonly isVerbose: boolean) {}

  log(message: unknown): void {
    if (this.isVerbose) process.stderr.write(`${String(message)}\n`);
  }

  warn(message: unknown): void {
    process.stderr.write(`warning: ${String(message)}\n`);
  }

  error(message: unknown): void {
    process.stderr.write(`error: ${String(message)}\n`);
  }
}
