import { Client } from 'pg';
import { generateTestKeys, TestKeys } from '../factories/token.factory';
import { rabbitmqctl, uniqueName } from '../support/broker';
import { CliRun, CLI_ENTRY, runCliProcess } from '../support/cli-process';
import { createScratchDatabase } from '../support/database';
import { FaultProxy } from '../support/fault-proxy';
import { freePort } from '../support/ports';
import { PrivateVhost } from '../support/private-vhost';
import { RunningService, spawnService, waitForStatus } from '../support/spawn-service';

/** Generous: on a loaded 2-core machine a TypeScript start can take tens of seconds. */
const START_TIMEOUT_MS = 90_000;

/**
 * How the broker goes away in the middle of the scenario: `restart` stops and starts the real
 * RabbitMQ app (`rabbitmqctl stop_app`/`start_app`: every connection on the machine drops, so
 * CI runs it as its own step with nothing else running); `proxy` cuts the two services' own
 * connections (each runs through a FaultProxy), leaving the shared broker to everyone else.
 */
export type BrokerOutage = 'restart' | 'proxy';

export function brokerOutageMode(env = process.env): BrokerOutage {
  const mode = env.SYSTEM_TEST_BROKER_OUTAGE ?? (env.CI === 'true' ? 'restart' : 'proxy');
  if (mode !== 'restart' && mode !== 'proxy')
    throw new Error(`SYSTEM_TEST_BROKER_OUTAGE must be restart or proxy, not ${mode}`);
  return mode;
}

/** One service of the system: its process, address, settings and database. */
export interface SystemService {
  readonly role: string;
  readonly baseUrl: string;
  /** Its settings as variables (the CLI runs with the same ones, on the broker directly). */
  readonly env: Record<string, string>;
  readonly databaseUrl: string;
  readonly proxy: FaultProxy;
  process: RunningService;
}

/**
 * Two services built from this code, each its own OS process (`src/main.ts`, as `npm run
 * start:dev` runs it) with its own PostgreSQL database, on the real RabbitMQ in a vhost of this
 * run (data sync's routing keys are fixed, so another run's `item` events must not mix in):
 * - `login` (A): signs tokens, masters `user`, replicates B's items (ITEMS_SYNC=replica);
 * - `items` (B): verify-only (JWT_SIGN_KEY=0, keys from A's JWKS over HTTP), replicates `user`,
 *   masters `item`.
 */
export class TwoServices {
  readonly vhost = new PrivateVhost(uniqueName('system'));
  login!: SystemService;
  items!: SystemService;
  private keys!: TestKeys;
  private readonly drops: (() => Promise<void>)[] = [];

  async start(): Promise<void> {
    const [keys, loginDb, itemsDb] = await Promise.all([
      generateTestKeys(),
      this.createDatabase('system_login'),
      this.createDatabase('system_items'),
      this.vhost.create(),
    ]);
    this.keys = keys;
    this.login = await this.prepare('login', loginDb, {
      JWT_SIGN_KEY: this.keys.privatePem,
      JWT_VERIFY_KEY: this.keys.publicPem,
      ITEMS_SYNC: 'replica',
    });
    // B reads A's JWKS at start, so A must answer first.
    await this.run(this.login);
    this.items = await this.prepare('items', itemsDb, {
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: `${this.login.baseUrl}/.well-known/jwks.json`,
    });
    await this.run(this.items);
  }

  /** The real CLI (`npm run cli -- …`) with a service's settings. */
  cli(service: SystemService, args: readonly string[], input = ''): Promise<CliRun> {
    return runCliProcess(CLI_ENTRY, args, cliSettings(service), input);
  }

  /** Takes the broker away from both services (see BrokerOutage); `end()` brings it back. */
  async startOutage(mode: BrokerOutage): Promise<{ end(): Promise<void> }> {
    if (mode === 'proxy') {
      this.login.proxy.cut();
      this.items.proxy.cut();
      return {
        end: async () => {
          this.login.proxy.restore();
          this.items.proxy.restore();
        },
      };
    }
    await rabbitmqctl('stop_app');
    return {
      end: async () => {
        await rabbitmqctl('start_app');
        await rabbitmqctl('await_startup');
      },
    };
  }

  /** SQL on a service's own database (for what no HTTP route shows: outbox backlog, replica rows). */
  async query<T>(service: SystemService, sql: string, parameters: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: service.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The last lines both processes wrote, for a failure message. */
  outputTails(chars = 1500): string {
    return [this.login, this.items]
      .filter((service) => service !== undefined)
      .map((service) => `--- ${service.role} (last output) ---\n${service.process.output().slice(-chars)}`)
      .join('\n');
  }

  async close(): Promise<void> {
    const services = [this.login, this.items].filter((service) => service !== undefined);
    await Promise.all(services.map((service) => stop(service.process)));
    await Promise.all([
      ...services.map((service) => service.proxy.close()),
      this.vhost.delete(),
      ...this.drops.map((drop) => drop()),
    ]);
  }

  private async prepare(
    role: string,
    databaseUrl: string,
    settings: Record<string, string>,
  ): Promise<SystemService> {
    const proxy = new FaultProxy(5672);
    const [port] = await Promise.all([freePort(), proxy.start()]);
    return {
      role,
      baseUrl: `http://127.0.0.1:${port}`,
      databaseUrl,
      proxy,
      env: {
        DEBUG: 'false',
        SECRET_KEY: `system-test-${role}-secret-key-that-is-long-enough`,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        MIGRATE_ON_START: 'true',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        AMQP_URL: this.vhost.url(proxy.port),
        SERVICE_NAME: uniqueName(`system-${role}`),
        ...settings,
      },
      process: undefined as unknown as RunningService, // set by run()
    };
  }

  private async run(service: SystemService): Promise<void> {
    service.process = spawnService('main.ts', service.env);
    let onExit: (code: number | null, signal: string | null) => void = () => undefined;
    const exited = new Promise<never>((_, reject) => {
      onExit = (code, signal) =>
        reject(
          new Error(
            `service ${service.role} exited (${code ?? signal}) before it was ready:\n${service.process.output().slice(-2000)}`,
          ),
        );
      service.process.child.once('exit', onExit);
    });
    try {
      await Promise.race([waitForStatus(`${service.baseUrl}/health/ready`, 200, START_TIMEOUT_MS), exited]);
    } finally {
      service.process.child.off('exit', onExit);
    }
  }

  private async createDatabase(prefix: string): Promise<string> {
    const database = await createScratchDatabase(prefix);
    this.drops.push(database.drop);
    return database.url;
  }
}

/** A service's settings for its CLI: the broker directly (the proxy may be cut), no port. */
function cliSettings(service: SystemService): Record<string, string> {
  const { PORT: _port, ...env } = service.env;
  const amqp = new URL(env.AMQP_URL);
  amqp.port = '5672';
  return { ...env, AMQP_URL: amqp.toString() };
}

async function stop(service: RunningService | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  await service.exited(30_000);
}
