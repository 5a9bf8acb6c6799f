/**
 * Bus throughput against raw amqplib, measured side by side in the same run on 127.0.0.1:
 *   publish: raw ConfirmChannel with waitForConfirms every 500  vs  AmqpClient.publishEvent
 *   consume: raw consume + ack at prefetch 50                   vs  AmqpServer (prefetch 50)
 * Bounded: MESSAGES per round (default 20 000), ROUNDS (default 3), and a 120 s overall limit.
 * Run: node -r @swc-node/register bench/bus.bench.ts   (needs RabbitMQ on 127.0.0.1:5672),
 * or from bench/run.ts: `results.bus = await runBusBench()` (true when the publish goal is met).
 */
import { writeResults } from './results';
import { ChannelModel, connect } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { AmqpClient } from '../src/bus/amqp.client';
import { AmqpServer } from '../src/bus/amqp.server';
import { BusMetrics } from '../src/bus/bus.metrics';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Set when the bench starts (not when npm run bench loads it, before the others ran). */
let DEADLINE = Date.now() + 120_000;
const RUN = randomBytes(3).toString('hex');
const EXCHANGE = `bench-${RUN}`;
const PAYLOAD = { id: 0, text: 'x'.repeat(280) }; // ~300 bytes as JSON, like perf-reference.md
const ROUTING_KEY = 'bench.tick';
const metrics = new BusMetrics(null);
/** The goal (observability and performance): publishing costs at most 10 % of raw amqplib's rate. */
const PUBLISH_GOAL = 0.9;

function checkDeadline(): void {
  if (Date.now() > DEADLINE) throw new Error('benchmark exceeded its 120 s limit');
}

async function withChannel<T>(
  admin: ChannelModel,
  work: (channel: Awaited<ReturnType<ChannelModel['createConfirmChannel']>>) => Promise<T>,
): Promise<T> {
  const channel = await admin.createConfirmChannel();
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

async function resetQueue(admin: ChannelModel, queue: string): Promise<void> {
  await withChannel(admin, async (channel) => {
    await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, EXCHANGE, ROUTING_KEY);
    await channel.purgeQueue(queue);
  });
}

/** msgs/s of raw publishing, confirms awaited every 500 (the perf-reference.md method). */
async function rawPublish(admin: ChannelModel, count: number): Promise<number> {
  return withChannel(admin, async (channel) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const body = Buffer.from(JSON.stringify({ ...PAYLOAD, id: i }));
      channel.publish(EXCHANGE, ROUTING_KEY, body, {
        persistent: true,
        contentType: 'application/json',
        messageId: String(i),
      });
      if ((i + 1) % 500 === 0) {
        await channel.waitForConfirms();
        checkDeadline();
      }
    }
    await channel.waitForConfirms();
    return rate(count, started);
  });
}

/** msgs/s of our client, each publish awaited until confirmed, many in flight. */
async function busPublish(client: AmqpClient, count: number): Promise<number> {
  const window = 2000;
  const started = process.hrtime.bigint();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < count; i++) {
    const publish = client
      .publishEvent(ROUTING_KEY, { ...PAYLOAD, id: i })
      .finally(() => inFlight.delete(publish));
    inFlight.add(publish);
    if (inFlight.size >= window) {
      await Promise.race(inFlight);
      checkDeadline();
    }
  }
  await Promise.all(inFlight);
  return rate(count, started);
}

async function rawConsume(queue: string, count: number): Promise<number> {
  const connection = await connect(URL);
  try {
    const channel = await connection.createChannel();
    await channel.prefetch(50);
    let handled = 0;
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('raw consume timed out')),
        Math.max(1000, DEADLINE - Date.now()),
      );
      void channel.consume(queue, (message) => {
        if (!message) return;
        JSON.parse(message.content.toString('utf8'));
        channel.ack(message);
        if (++handled === count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const result = rate(count, started);
    await channel.close();
    return result;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function busConsume(queue: string, count: number): Promise<number> {
  const server = new AmqpServer(
    {
      url: URL,
      exchange: EXCHANGE,
      queue,
      prefetch: 50,
      retryDelaysMs: [],
      drainTimeoutMs: 5000,
      secretKey: 'bench',
    },
    metrics,
  );
  let handled = 0;
  let started = 0n;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  // The handler Nest would register for an @EventPattern method, minus the DI wrapper.
  server.addHandler(
    ROUTING_KEY,
    async () => {
      if (++handled === count) finish();
    },
    true,
  );
  started = process.hrtime.bigint();
  await server.listen(() => undefined);
  const timer = setTimeout(finish, Math.max(1000, DEADLINE - Date.now()));
  await done;
  clearTimeout(timer);
  if (handled < count) throw new Error(`our consumer handled ${handled}/${count} before the deadline`);
  const result = rate(count, started);
  await server.close();
  return result;
}

function rate(count: number, started: bigint): number {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(count / seconds);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs the bounded benchmark, prints its table, and tells whether the publish goal is met. */
export async function runBusBench(): Promise<boolean> {
  DEADLINE = Date.now() + 120_000;
  const admin = await connect(URL);
  const rawQueue = `bench-raw-${RUN}`;
  const busQueue = `bench-bus-${RUN}`;
  const client = new AmqpClient(
    {
      url: URL,
      exchange: EXCHANGE,
      publishTimeoutMs: 60_000,
      publishBufferLimit: 10_000,
      requestTimeoutMs: 5000,
    },
    metrics,
  );
  const results = {
    rawPublish: [] as number[],
    busPublish: [] as number[],
    rawConsume: [] as number[],
    busConsume: [] as number[],
  };
  try {
    await client.connection.start();
    for (let round = 1; round <= ROUNDS; round++) {
      // Interleaved so machine noise hits both sides alike; each round starts from empty queues.
      await resetQueue(admin, rawQueue);
      await resetQueue(admin, busQueue);
      results.rawPublish.push(await rawPublish(admin, MESSAGES));
      await resetQueue(admin, rawQueue);
      await resetQueue(admin, busQueue);
      results.busPublish.push(await busPublish(client, MESSAGES));
      // Both queues now hold MESSAGES each (one publish fills both bound queues).
      results.rawConsume.push(await rawConsume(rawQueue, MESSAGES));
      results.busConsume.push(await busConsume(busQueue, MESSAGES));
      process.stderr.write(`round ${round}/${ROUNDS} done\n`);
    }
  } finally {
    await client.close();
    await withChannel(admin, async (channel) => {
      for (const queue of [rawQueue, busQueue, `dead_letter_${busQueue}`]) await channel.deleteQueue(queue);
      await channel.deleteExchange(EXCHANGE);
    }).catch(() => undefined);
    await admin.close();
  }

  // The median of per-round ratios: both sides of one round see the same machine speed.
  const ratio = (raw: number[], ours: number[]): number =>
    median(ours.map((value, round) => value / raw[round]));
  const row = (what: string, raw: number[], ours: number[]): string =>
    `| ${what.padEnd(34)} | ${String(median(raw)).padStart(11)} | ${String(median(ours)).padStart(9)} | ${ratio(raw, ours).toFixed(2).padStart(5)} |`;
  console.log(
    `\nbus benchmark: ${MESSAGES} persistent ~300-byte messages, median of ${ROUNDS} interleaved rounds (msgs/s)\n`,
  );
  console.log(`| ${'what'.padEnd(34)} | raw amqplib |      ours | ratio |`);
  console.log(`| ${'-'.repeat(34)} | ----------- | --------- | ----- |`);
  console.log(row('publish with confirms', results.rawPublish, results.busPublish));
  console.log(row('consume + ack, prefetch 50', results.rawConsume, results.busConsume));
  console.log(`\nper round: ${JSON.stringify(results)}`);
  const publishRatio = ratio(results.rawPublish, results.busPublish);
  const isMet = publishRatio >= PUBLISH_GOAL;
  console.log(
    `publish goal: ours >= ${PUBLISH_GOAL.toFixed(2)} x raw: ${isMet ? 'met' : 'MISSED'} (${publishRatio.toFixed(2)})`,
  );
  writeResults('bus', {
    messages: MESSAGES,
    rounds: results,
    ratios: { publish: publishRatio, consume: ratio(results.rawConsume, results.busConsume) },
    goals: { publishRatio: PUBLISH_GOAL, isMet },
  });
  return isMet;
}

if (require.main === module) {
  runBusBench().then(
    (isMet) => process.exit(isMet ? 0 : 1),
    (error: unknown) => {
      console.error(`bus benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
