import { Client } from 'pg';
import { generateTestKeys, signValid, TestKeys } from '../factories/token.factory';
import { uniqueName } from '../support/broker';
import { assertTestDatabase, POSTGRES_SERVER_URL } from '../support/database';
import { FaultProxy } from '../support/fault-proxy';
import { freePort } from '../support/ports';
import { PrivateVhost } from '../support/private-vhost';
import { RunningService, spawnService, waitForStatus } from '../support/spawn-service';
import { SyncDifference, diffSyncedTables } from '../support/sync-table-diff';
import { APPLY_LOG_TABLE, DROP_LOG_TABLE } from './apply-log';

const PRODUCTION = {
  DEBUG: 'false',
  SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  MIGRATE_ON_START: 'true',
};

/** Generous: on a loaded 2-core machine a TypeScript start can take tens of seconds. */
const START_TIMEOUT_MS = 90_000;

/** An (instance, signal, revision) event, as the master's outbox and the replica's inbox key it. */
export type EventKey = string;

function eventKey(pk: string, signal: string, revision: number | string): EventKey {
  return `${pk}/${signal}/${revision}`;
}

/** What one scenario did, counted on both sides. */
export interface ScenarioCounts {
  /** SAVE/DELETE rows the master wrote to its outbox in the scenario. */
  readonly committed: number;
  /** Of those, still unpublished. */
  readonly unpublished: number;
  /** Those events the replica's inbox holds (received, at most once). */
  readonly received: number;
  /** Committed events missing from the replica's inbox. */
  readonly lost: EventKey[];
  /** Applies in the replica's apply log, and those logged more than once. */
  readonly applied: number;
  readonly appliedTwice: EventKey[];
  /** Deliveries the replica dropped, by reason. */
  readonly droppedDuplicate: number;
  readonly droppedStale: number;
}

/**
 * Where a pair runs. By default the shared servers, with a RabbitMQ vhost of the pair's own; the
 * fault run (test/faults/run.ts) passes private servers it may restart (PrivatePostgres,
 * PrivateRabbitMq), where the whole broker is the pair's and the default vhost will do.
 */
export interface SyncPairServers {
  readonly postgresServerUrl: string;
  readonly amqpPort: number;
  /** True on a shared broker: the pair's events stay in a vhost of its own. */
  readonly privateVhost: boolean;
  /** Extra settings for both processes (e.g. LOG_LEVEL). */
  readonly env?: Record<string, string>;
}

const SHARED_SERVERS: SyncPairServers = {
  postgresServerUrl: POSTGRES_SERVER_URL,
  amqpPort: 5672,
  privateVhost: true,
};

/**
 * Two app processes on real services: a master (the service as it ships, `items` is its
 * `cqrs_id` `item` master) whose broker connection runs through a FaultProxy, and a replica (the
 * test entry with the logged `item` replica) on the broker directly. Each has its own fresh
 * PostgreSQL database; both share a RabbitMQ vhost of this run only, so no other run's `item`
 * events mix in. The test kills, restarts and cuts them; this keeps the bookkeeping.
 */
export class SyncPair {
  readonly proxy: FaultProxy;
  readonly vhost: PrivateVhost | null;
  readonly replicaQueue = uniqueName('faults-replica');
  readonly masterQueue = uniqueName('faults-master');
  masterUrl = '';
  replicaUrl = '';
  master: RunningService | null = null;
  replica: RunningService | null = null;
  private keys!: TestKeys;
  private masterPort = 0;
  private replicaPort = 0;
  private readonly databases: string[] = [];

  constructor(private readonly servers: SyncPairServers = SHARED_SERVERS) {
    this.proxy = new FaultProxy(servers.amqpPort);
    this.vhost = servers.privateVhost ? new PrivateVhost(uniqueName('faults')) : null;
  }

  /** The broker URL on `port` (the broker's own, or the master's proxy). */
  amqpUrl(port = this.servers.amqpPort): string {
    return this.vhost ? this.vhost.url(port) : `amqp://guest:guest@127.0.0.1:${port}/`;
  }

  /** The settings the master's CLI (`npm run cli -- sync:diff …`) runs with. */
  masterEnv(): Record<string, string> {
    return {
      ...PRODUCTION,
      ...this.servers.env,
      DATABASE_URL: this.masterUrl,
      AMQP_URL: this.amqpUrl(),
      SERVICE_NAME: this.masterQueue,
      JWT_SIGN_KEY: this.keys.privatePem,
      JWT_VERIFY_KEY: this.keys.publicPem,
    };
  }

  /** Both processes, started side by side; the master from `masterEntry` (see startMaster). */
  async start(masterEntry = 'main.ts', masterArgs: string[] = []): Promise<void> {
    [this.keys, this.masterUrl, this.replicaUrl] = await Promise.all([
      generateTestKeys(),
      this.createDatabase('master'),
      this.createDatabase('replica'),
      this.vhost?.create(),
      this.proxy.start(),
    ]);
    [this.masterPort, this.replicaPort] = [await freePort(), await freePort()];
    // Side by side: the master publishes only what a test writes after both are ready, and the
    // replica's queue is bound before it is ready.
    await Promise.all([this.startReplica(), this.startMaster(masterEntry, masterArgs)]);
  }

  get masterBaseUrl(): string {
    return `http://127.0.0.1:${this.masterPort}`;
  }

  get replicaBaseUrl(): string {
    return `http://127.0.0.1:${this.replicaPort}`;
  }

  /** An access token the master accepts for item writes. */
  writerToken(): string {
    return signValid(this.keys, { roles: ['items:write'] });
  }

  /** Starts the master (`src/main.ts`, or a test entry such as the crash-after-publish one). */
  async startMaster(entry = 'main.ts', args: string[] = []): Promise<void> {
    this.master = spawnService(
      entry,
      { ...this.masterEnv(), PORT: String(this.masterPort), AMQP_URL: this.amqpUrl(this.proxy.port) },
      args,
    );
    await this.waitReady(this.master, this.masterBaseUrl);
  }

  async startReplica(): Promise<void> {
    this.replica = spawnService('../test/faults/item-replica.main.ts', {
      ...PRODUCTION,
      ...this.servers.env,
      PORT: String(this.replicaPort),
      DATABASE_URL: this.replicaUrl,
      AMQP_URL: this.amqpUrl(),
      SERVICE_NAME: this.replicaQueue,
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: this.keys.publicPem,
    });
    await this.waitReady(this.replica, this.replicaBaseUrl);
  }

  /** SIGKILL: no shutdown hook runs, unacked deliveries go back to the queue. */
  async kill(service: RunningService | null): Promise<void> {
    if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
    service.child.kill('SIGKILL');
    await service.exited(10_000);
  }

  async stop(service: RunningService | null): Promise<void> {
    if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
    service.child.kill('SIGTERM');
    await service.exited(20_000);
  }

  async close(): Promise<void> {
    await Promise.all([this.stop(this.master), this.stop(this.replica)]);
    await Promise.all([
      this.proxy.close(),
      this.vhost?.delete(),
      withServer(this.servers.postgresServerUrl, async (admin) => {
        for (const name of this.databases)
          await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
    ]);
  }

  /** The last outbox id on the master: a scenario's events are the rows after it. */
  async outboxMark(): Promise<number> {
    const rows = await query<{ last: string | null }>(
      this.masterUrl,
      'SELECT MAX(id) AS last FROM sync_outbox',
    );
    return Number(rows[0].last ?? 0);
  }

  /** Outbox rows not yet published (the backlog a broker outage leaves). */
  async unpublished(): Promise<number> {
    const rows = await query<{ n: string }>(
      this.masterUrl,
      'SELECT COUNT(*) AS n FROM sync_outbox WHERE sent_at IS NULL',
    );
    return Number(rows[0].n);
  }

  /** Master against replica by pk and revision (what `sync:diff` reports). */
  differences(): Promise<SyncDifference[]> {
    return diffSyncedTables(
      { url: this.masterUrl, table: 'items' },
      { url: this.replicaUrl, table: 'test_item_copies' },
    );
  }

  /** Counts the events after `mark` on both sides (see ScenarioCounts). */
  async countSince(mark: number): Promise<ScenarioCounts> {
    const outbox = await query<{ pk: string; signal: string; revision: number; sent: boolean }>(
      this.masterUrl,
      `SELECT instance_pk AS pk, signal_type AS signal,
              (payload::jsonb -> 'instance_data' ->> 'cqrs_revision')::int AS revision,
              sent_at IS NOT NULL AS sent
       FROM sync_outbox WHERE id > $1 AND signal_type <> 'SYNC'`,
      [mark],
    );
    const pks = [...new Set(outbox.map((row) => row.pk))];
    const inbox = await query<{ pk: string; signal: string; revision: number }>(
      this.replicaUrl,
      `SELECT instance_pk AS pk, signal_type AS signal, cqrs_revision AS revision
       FROM sync_inbox WHERE cqrs_id = 'item' AND instance_pk = ANY($1)`,
      [pks],
    );
    const applies = await query<{ pk: string; kind: string; revision: number; times: string }>(
      this.replicaUrl,
      `SELECT instance_pk AS pk, kind, cqrs_revision AS revision, COUNT(*) AS times
       FROM ${APPLY_LOG_TABLE} WHERE instance_pk = ANY($1) GROUP BY instance_pk, kind, cqrs_revision`,
      [pks],
    );
    const drops = await query<{ reason: string; n: string }>(
      this.replicaUrl,
      `SELECT reason, COUNT(*) AS n FROM ${DROP_LOG_TABLE} WHERE instance_pk = ANY($1) GROUP BY reason`,
      [pks],
    );
    const received = new Set(inbox.map((row) => eventKey(row.pk, row.signal, row.revision)));
    const committed = outbox.map((row) => eventKey(row.pk, row.signal, row.revision));
    const dropped = (reason: string): number => Number(drops.find((row) => row.reason === reason)?.n ?? 0);
    return {
      committed: committed.length,
      unpublished: outbox.filter((row) => !row.sent).length,
      received: committed.filter((key) => received.has(key)).length,
      lost: committed.filter((key) => !received.has(key)),
      applied: applies.reduce((sum, row) => sum + Number(row.times), 0),
      appliedTwice: applies
        .filter((row) => Number(row.times) > 1)
        .map((row) => eventKey(row.pk, row.kind, row.revision)),
      droppedDuplicate: dropped('duplicate'),
      droppedStale: dropped('stale'),
    };
  }

  /** Until /health/ready answers 200; fails at once, with its output, if the process exits first. */
  private async waitReady(service: RunningService, baseUrl: string): Promise<void> {
    let onExit: (code: number | null, signal: string | null) => void = () => undefined;
    const exited = new Promise<never>((_, reject) => {
      onExit = (code, signal) =>
        reject(
          new Error(
            `the process exited (${code ?? signal}) before it was ready:\n${service.output().slice(-2000)}`,
          ),
        );
      service.child.once('exit', onExit);
    });
    try {
      await Promise.race([waitForStatus(`${baseUrl}/health/ready`, 200, START_TIMEOUT_MS), exited]);
    } finally {
      service.child.off('exit', onExit);
    }
  }

  private async createDatabase(role: string): Promise<string> {
    const name = `test_faults_${role}_${process.pid}_${Date.now()}`;
    await withServer(this.servers.postgresServerUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
    this.databases.push(name);
    const url = new URL(this.servers.postgresServerUrl);
    url.pathname = `/${name}`;
    assertTestDatabase(url.toString());
    return url.toString();
  }
}

async function withServer<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function query<T>(url: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}
