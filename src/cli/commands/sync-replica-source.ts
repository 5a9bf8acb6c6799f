import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { InstancePk } from '../../sync/cqrs-message';
import { BusReplicaRevisions } from '../../sync/replica-revisions.bus';
import {
  MAX_REVISIONS_PAGE,
  ReplicaRevisionSource,
  ReplicaTableReader,
  RevisionLookup,
  RevisionPage,
} from '../../sync/replica-revisions';
import { CliError } from '../cli-error';
import { openDatabase, parseDatabaseUrl, SyncCli } from './sync-context';
import { queueName, wholeNumber } from './sync-options';

/** The options `sync:diff` and `sync:repair` share: which replica, and how to read it. */
export interface ReplicaSourceOptions {
  readonly replica: string;
  readonly replicaDatabaseUrl?: string;
  readonly replicaTable?: string;
  readonly replicaPk: string;
  readonly page: number;
}

export function addReplicaSourceOptions(command: Command): Command {
  return command
    .requiredOption('--replica <queue>', "the replica service's queue (its SERVICE_NAME)", queueName)
    .option(
      '--replica-database-url <url>',
      "read the replica's table directly instead of asking the service over the bus (e.g. a Django replica); a password in the URL is visible in ps, PGPASSWORD works too",
    )
    .option('--replica-table <table>', 'with --replica-database-url: the replica table, e.g. billing_item')
    .option('--replica-pk <column>', 'with --replica-database-url: its pk column', 'id')
    .option('--page <n>', 'rows per page and per request', wholeNumber(1, MAX_REVISIONS_PAGE), 1000);
}

/** The bus request to the replica service, or its database when `--replica-database-url` is given. */
export async function openReplicaSource(
  cli: SyncCli,
  options: ReplicaSourceOptions,
): Promise<ReplicaRevisionSource> {
  if (options.replicaDatabaseUrl === undefined) {
    if (options.replicaTable !== undefined)
      throw new CliError('--replica-table only goes with --replica-database-url');
    return new BusReplicaRevisions(await cli.bus('sync:diff over the bus'), options.replica);
  }
  if (options.replicaTable === undefined)
    throw new CliError('--replica-database-url needs --replica-table (the replica table, e.g. billing_item)');
  const database = parseDatabaseUrl(options.replicaDatabaseUrl, '--replica-database-url');
  const dataSource = await openDatabase(database);
  try {
    const reader = new ReplicaTableReader(dataSource, options.replicaTable, options.replicaPk);
    return new DatabaseReplica(dataSource, reader, `replica ${options.replica} (database)`);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/** A replica read through its own database; closing it closes the connection. */
class DatabaseReplica implements ReplicaRevisionSource {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reader: ReplicaTableReader,
    readonly description: string,
  ) {}

  lookup(cqrsId: string, pks: readonly InstancePk[]): Promise<RevisionLookup> {
    return this.reader.lookup(cqrsId, pks);
  }

  page(cqrsId: string, after: InstancePk | null, limit: number): Promise<RevisionPage> {
    return this.reader.page(cqrsId, after, limit);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }
}
