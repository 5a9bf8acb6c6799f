import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ChannelModel, connect } from 'amqplib';

/** The test broker: only ever this machine. */
export const TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Differs per test run, so concurrent or leftover runs never share an exchange or a queue. */
export const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let counter = 0;

export function uniqueName(prefix: string): string {
  return `test-${prefix}-${RUN_ID}-${++counter}`;
}

function probeBrokerOnce(): boolean {
  // Synchronous, so the decision is made while Jest collects tests (describe vs describe.skip).
  const script = `require('net').connect(5672,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),3000)`;
  return spawnSync(process.execPath, ['-e', script], { timeout: 6000 }).status === 0;
}

/**
 * Under CI=true a broker that does not answer at once is asked again for up to 20 s before the
 * suite fails: right after a suite that started and stopped a RabbitMQ node of its own, one probe
 * (a fresh `node` on a loaded 2-core machine) once missed its 2 s while the broker was up.
 */
function probeBroker(): boolean {
  const patienceMs = process.env.CI === 'true' ? 20_000 : 0;
  const deadline = Date.now() + patienceMs;
  for (;;) {
    if (probeBrokerOnce()) return true;
    if (Date.now() >= deadline) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
  }
}

/**
 * True when RabbitMQ answers on 127.0.0.1:5672. Under CI=true a missing broker throws (the suite
 * fails, never skips); elsewhere the broker suites are skipped with a visible warning.
 */
export function requireBroker(): boolean {
  if (probeBroker()) return true;
  const message = 'RabbitMQ is not reachable on 127.0.0.1:5672';
  if (process.env.CI === 'true')
    throw new Error(`${message}: CI must provide it (rabbitmq-server -detached)`);
  process.stderr.write(`\n  SKIPPING broker tests: ${message}. Start it with: rabbitmq-server -detached\n\n`);
  return false;
}

/** Remembers what a test declared and deletes it afterwards (queues with their retry queues). */
export class BrokerJanitor {
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();

  exchange(name: string): string {
    this.exchanges.add(name);
    return name;
  }

  /** Tracks a service queue with its dead-letter and delay queues. */
  serviceQueue(name: string, retryDelaysMs: readonly number[] = []): string {
    this.queues.add(name);
    this.queues.add(`dead_letter_${name}`);
    for (const delay of retryDelaysMs) this.queues.add(`${name}.retry.${delay}`);
    return name;
  }

  /** Tracks one more queue by name (e.g. a data-sync retry delay queue). */
  extraQueue(name: string): string {
    this.queues.add(name);
    return name;
  }

  async cleanup(): Promise<void> {
    if (this.queues.size === 0 && this.exchanges.size === 0) return;
    await withAdminConnection(async (connection) => {
      for (const queue of this.queues) {
        const channel = await connection.createChannel();
        await channel.deleteQueue(queue).catch(() => undefined);
        await channel.close().catch(() => undefined);
      }
      for (const exchange of this.exchanges) {
        const channel = await connection.createChannel();
        await channel.deleteExchange(exchange).catch(() => undefined);
        await channel.close().catch(() => undefined);
      }
    });
    this.queues.clear();
    this.exchanges.clear();
  }
}

export async function withAdminConnection<T>(work: (connection: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await connect(TEST_AMQP_URL);
  connection.on('error', () => undefined);
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Messages waiting in a queue right now (0 when it does not exist). */
export async function queueDepth(queue: string): Promise<number> {
  return withAdminConnection(async (connection) => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      return 0;
    }
  });
}

/** How many consumers the queue has, or null when it does not exist. */
export async function queueConsumers(queue: string): Promise<number | null> {
  return withAdminConnection(async (connection) => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return channel.checkQueue(queue).then(
      (state) => state.consumerCount,
      () => null,
    );
  });
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs` (every wait is bounded). */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const exec = promisify(execFile);

/** Runs rabbitmqctl with a time bound. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await exec('rabbitmqctl', args, { timeout: 60_000 });
  return stdout;
}

/** Makes sure the broker app runs (after a restart test, whatever happened in it). */
export async function ensureBrokerStarted(): Promise<void> {
  await rabbitmqctl('start_app').catch(() => undefined);
  await rabbitmqctl('await_startup').catch(() => undefined);
}
