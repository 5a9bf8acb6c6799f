import { execFile } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { freePort } from './ports';
import { sleep } from './broker';

const exec = promisify(execFile);

/**
 * Private PostgreSQL and RabbitMQ servers for tests that stop and restart them: other test runs
 * on the machine use the shared ones (127.0.0.1:5432 and :5672), which must never go down under
 * them. Each lives in a temp dir on a free port and is removed by `close()`, whatever happened.
 * As root the servers run as their system users (`postgres`, `rabbitmq`), which PostgreSQL
 * requires; otherwise as the current user.
 */

const isRoot = process.getuid?.() === 0;

/** Runs `command` as `user` when root (runuser), as ourselves otherwise; bounded. */
async function runAs(user: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const [file, argv] = isRoot
    ? ['runuser', ['-u', user, '--', 'env', ...envArgs(env), command, ...args]]
    : ['env', [...envArgs(env), command, ...args]];
  try {
    return await exec(file, argv, { timeout: 120_000, cwd: tmpdir() });
  } catch (error) {
    const failed = error as Error & { stderr?: string; stdout?: string };
    const output = `${failed.stderr ?? ''}${failed.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${command} ${args.join(' ')} failed: ${output || failed.message}`);
  }
}

function envArgs(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value ?? ''}`);
}

function privateDir(prefix: string, owner: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) giveTo(dir, owner);
  return dir;
}

function giveTo(path: string, user: string): void {
  const { uid, gid } = systemUser(user);
  chownSync(path, uid, gid);
}

function systemUser(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`no system user "${user}" (is the server installed?)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The newest installed PostgreSQL's bin directory (Debian layout), or PATH's. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return '';
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : '';
}

/** A PostgreSQL cluster of one run: initdb into a temp dir, trust auth, a free port. */
export class PrivatePostgres {
  port = 0;
  private dir = '';
  private readonly bin = postgresBin();

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    this.dir = privateDir('faults-pg-', 'postgres');
    this.port = await freePort();
    await runAs('postgres', this.tool('initdb'), [
      '-D',
      this.dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    await this.pgCtl('start', '-o', this.serverOptions);
  }

  /** Stops it (fast: open connections are cut), waits `downMs`, starts it again. */
  async restart(downMs: number): Promise<void> {
    await this.pgCtl('stop', '-m', 'fast');
    await sleep(downMs);
    await this.pgCtl('start', '-o', this.serverOptions);
  }

  async stop(): Promise<void> {
    await this.pgCtl('stop', '-m', 'fast');
  }

  async startAgain(): Promise<void> {
    await this.pgCtl('start', '-o', this.serverOptions);
  }

  async close(): Promise<void> {
    if (!this.dir) return;
    await this.pgCtl('stop', '-m', 'immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }

  /** Answers a query now (used to tell "up" after a restart). */
  async isUp(): Promise<boolean> {
    const client = new Client({ connectionString: this.serverUrl, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** fsync off: a crash of the machine is not a fault these runs inject, and it is a tmp dir. */
  private get serverOptions(): string {
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private tool(name: string): string {
    return this.bin ? join(this.bin, name) : name;
  }

  private async pgCtl(action: string, ...args: string[]): Promise<void> {
    // -l: the server's output goes to a file, never to a pipe of ours (which would hold it open).
    await runAs('postgres', this.tool('pg_ctl'), [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'log'),
      '-w',
      '-t',
      '60',
      ...args,
      action,
    ]);
  }
}

/**
 * A RabbitMQ node of one run (its own node name, ports, Mnesia and log dirs, no plugins, its own
 * config so the machine's listener setting is not read). `guest` may connect from loopback.
 */
export class PrivateRabbitMq {
  port = 0;
  private dir = '';
  private readonly nodeName = `faults-${process.pid}-${Date.now().toString(36)}@localhost`;
  private env: NodeJS.ProcessEnv = {};

  url(vhost = ''): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}/${vhost}`;
  }

  async start(): Promise<void> {
    this.dir = privateDir('faults-rabbitmq-', 'rabbitmq');
    this.port = await freePort();
    const distributionPort = await freePort();
    const config = join(this.dir, 'rabbitmq.conf');
    const plugins = join(this.dir, 'enabled_plugins');
    writeFileSync(config, `listeners.tcp.local = 127.0.0.1:${this.port}\nloopback_users.guest = true\n`);
    writeFileSync(plugins, '[].\n');
    if (isRoot) for (const file of [config, plugins]) giveTo(file, 'rabbitmq');
    this.env = {
      // Its own HOME: Erlang makes a cookie there, which rabbitmqctl then reads.
      HOME: this.dir,
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_CONFIG_FILE: config,
      RABBITMQ_DIST_PORT: String(distributionPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    };
    await runAs('rabbitmq', this.tool('rabbitmq-server'), ['-detached'], this.env);
    await this.awaitStartup();
  }

  /** stop_app, `downMs` without a broker, start_app: queues and persistent messages survive. */
  async restart(downMs: number): Promise<void> {
    await this.stopApp();
    await sleep(downMs);
    await this.startApp();
  }

  /** The broker goes away (connections closed, port refused); the node keeps its data. */
  async stopApp(): Promise<void> {
    await this.ctl('stop_app');
  }

  async startApp(): Promise<void> {
    await this.ctl('start_app');
    await this.awaitStartup();
  }

  /** Consumers attached to `queue` right now (0 when it does not exist). */
  async consumers(queue: string): Promise<number> {
    return this.onQueue(queue, (state) => state.consumerCount);
  }

  /** Messages waiting in `queue` (0 when it does not exist). */
  async queueDepth(queue: string): Promise<number> {
    return this.onQueue(queue, (state) => state.messageCount);
  }

  private async onQueue(
    queue: string,
    read: (state: { messageCount: number; consumerCount: number }) => number,
  ): Promise<number> {
    const connection = await connect(this.url());
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      return read(await channel.checkQueue(queue));
    } catch {
      return 0;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (!this.dir) return;
    await this.ctl('stop').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }

  /** Until the node answers and accepts an AMQP connection (bounded). */
  private async awaitStartup(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const connection = await connect(this.url());
        await connection.close();
        return;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(250);
    }
    throw new Error(
      `private RabbitMQ ${this.nodeName} did not accept connections within ${timeoutMs} ms (${last})`,
    );
  }

  private tool(name: string): string {
    const debian = join('/usr/lib/rabbitmq/bin', name);
    return existsSync(debian) ? debian : name;
  }

  private async ctl(...args: string[]): Promise<void> {
    await runAs('rabbitmq', this.tool('rabbitmqctl'), ['-n', this.nodeName, ...args], this.env);
  }
}
