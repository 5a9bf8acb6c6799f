/**
 * Bus throughput against raw amqplib, measured side by side in the same run on 127.0.0.1:
 *   publish: raw ConfirmChannel with waitForConfirms every 500  vs  AmqpClient.publishEvent
 *   consume: raw consume + ack at prefetch 50                   vs  AmqpServer (prefetch 50)
 * Both sides publish the same messages (the bus's properties) in the same pattern (500, then
 * wait for their confirms), each to a queue of its own, so neither leaves the broker work (a
 * purge, a deeper queue) that the other pays for. A round publishes in four halves,
 * raw–ours–ours–raw, so drift within the round and the order cancel out; the consumers take
 * turns at going first. The broker bounds the publish rate on a 2-core machine, so the CPU per
 * message of this process and of RabbitMQ is printed beside it.
 * Bounded: MESSAGES per round (default 20 000), ROUNDS (default 3), and a 120 s overall limit.
 * Run: node -r @swc-node/register bench/bus.bench.ts   (needs RabbitMQ on 127.0.0.1:5672),
 * or from bench/run.ts: `results.bus = await runBusBench()` (true when the publish goal is met).
 */
import { writeResults } from './results';
import { CpuAccount } from './proc-stats';
import { ChannelModel, connect } from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import { AmqpClient } from '../src/bus/amqp.client';
import { AmqpServer } from '../src/bus/amqp.server';
import { BusMetrics } from '../src/bus/bus.metrics';
import { MetricsService } from '../src/platform/metrics.service';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Set when the bench starts (not when npm run bench loads it, before the others ran). */
let DEADLINE = Date.now() + 120_000;
const RUN = randomBytes(3).toString('hex');
const EXCHANGE = `bench-${RUN}`;
const PAYLOAD = { id: 0, text: 'x'.repeat(280) }; // ~300 bytes as JSON, like perf-reference.md
const RAW_KEY = 'bench.raw';
const BUS_KEY = 'bench.bus';
// As the service runs it: the bus's Prometheus metrics on (counters and the publish histogram),
// in a registry of the bench's own.
const metrics = new BusMetrics(
  new MetricsService({ observability: { metricsPrefix: 'bench_', metricsPort: 0, tracing: null } }),
);
/** The goal (observability and performance): publishing costs at most 10 % of raw amqplib's rate. */
const PUBLISH_GOAL = 0.9;
/** Publishes between two waits for their confirms, on both sides (the perf-reference.md method). */
const CONFIRM_BATCH = 500;

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

async function resetQueue(admin: ChannelModel, queue: string, routingKey: string): Promise<void> {
  await withChannel(admin, async (channel) => {
    await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, EXCHANGE, routingKey);
    await channel.purgeQueue(queue);
  });
}

/** Wall time, this process's CPU time and the broker's of one publishing phase. */
interface Phase {
  seconds: number;
  cpuMicros: number;
  brokerCpuMicros: number;
}

async function timed(work: () => Promise<void>): Promise<Phase> {
  const broker = new CpuAccount([{ name: 'RabbitMQ', pattern: 'beam.smp' }]);
  broker.start();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuMicros: used.user + used.system, brokerCpuMicros: broker.stop().RabbitMQ };
}

/** Raw publishing, confirms awaited every CONFIRM_BATCH. */
async function rawPublish(admin: ChannelModel, count: number): Promise<Phase> {
  return withChannel(admin, (channel) =>
    timed(async () => {
      for (let i = 0; i < count; i++) {
        const body = Buffer.from(JSON.stringify({ ...PAYLOAD, id: i }));
        // The properties the bus gives every event (eventProperties): the same message on the
        // wire, so the broker does the same work for both sides. With a bare message id instead,
        // RabbitMQ spent 96–98 µs per message against 125–139 µs for the bus's (2026-12-03).
        const messageId = randomUUID();
        channel.publish(EXCHANGE, RAW_KEY, body, {
          persistent: true,
          contentType: 'application/json',
          messageId,
          correlationId: messageId,
          timestamp: Math.floor(Date.now() / 1000),
          type: RAW_KEY,
        });
        if ((i + 1) % CONFIRM_BATCH === 0) {
          await channel.waitForConfirms();
          checkDeadline();
        }
      }
      await channel.waitForConfirms();
    }),
  );
}

/**
 * Our client in the same pattern as the raw side: 500 publishes, then wait until all of them are
 * confirmed (each publish's own promise), and again; the flow the broker sees is the same.
 */
async function busPublish(client: AmqpClient, count: number): Promise<Phase> {
  return timed(async () => {
    for (let first = 0; first < count; first += CONFIRM_BATCH) {
      const batch: Promise<void>[] = [];
      for (let i = first; i < Math.min(count, first + CONFIRM_BATCH); i++)
        batch.push(client.publishEvent(BUS_KEY, { ...PAYLOAD, id: i }));
      await Promise.all(batch);
      checkDeadline();
    }
  });
}

/** Sums a side's phases of one round: messages/s, and CPU µs per message here and in the broker. */
function publishFigures(
  count: number,
  phases: Phase[],
): { rate: number; cpuPerMessage: number; brokerCpuPerMessage: number } {
  const total = (field: keyof Phase) => phases.reduce((sum, phase) => sum + phase[field], 0);
  return {
    rate: Math.round(count / total('seconds')),
    cpuPerMessage: total('cpuMicros') / count,
    brokerCpuPerMessage: total('brokerCpuMicros') / count,
  };
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
    BUS_KEY,
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
    rawPublishCpu: [] as number[],
    busPublishCpu: [] as number[],
    rawPublishBrokerCpu: [] as number[],
    busPublishBrokerCpu: [] as number[],
    rawConsume: [] as number[],
    busConsume: [] as number[],
  };
  try {
    await client.connection.start();
    const half = Math.ceil(MESSAGES / 2);
    for (let round = 1; round <= ROUNDS; round++) {
      // Each round starts from empty queues; each side publishes only to its own.
      await resetQueue(admin, rawQueue, RAW_KEY);
      await resetQueue(admin, busQueue, BUS_KEY);
      const raw: Phase[] = [];
      const ours: Phase[] = [];
      raw.push(await rawPublish(admin, half));
      ours.push(await busPublish(client, half));
      ours.push(await busPublish(client, half));
      raw.push(await rawPublish(admin, half));
      const rawFigures = publishFigures(2 * half, raw);
      const busFigures = publishFigures(2 * half, ours);
      results.rawPublish.push(rawFigures.rate);
      results.busPublish.push(busFigures.rate);
      results.rawPublishCpu.push(Math.round(rawFigures.cpuPerMessage * 10) / 10);
      results.busPublishCpu.push(Math.round(busFigures.cpuPerMessage * 10) / 10);
      results.rawPublishBrokerCpu.push(Math.round(rawFigures.brokerCpuPerMessage * 10) / 10);
      results.busPublishBrokerCpu.push(Math.round(busFigures.brokerCpuPerMessage * 10) / 10);
      // Each queue now holds 2 × half; the consumers take turns at going first.
      const consumeRaw = async () => results.rawConsume.push(await rawConsume(rawQueue, 2 * half));
      const consumeOurs = async () => results.busConsume.push(await busConsume(busQueue, 2 * half));
      if (round % 2 === 1) {
        await consumeRaw();
        await consumeOurs();
      } else {
        await consumeOurs();
        await consumeRaw();
      }
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
    `\nbus benchmark: ${MESSAGES} persistent ~300-byte messages per side and round, each side to a queue of its own, median of ${ROUNDS} rounds (msgs/s; publishing raw–ours–ours–raw in halves)\n`,
  );
  console.log(`| ${'what'.padEnd(34)} | raw amqplib |      ours | ratio |`);
  console.log(`| ${'-'.repeat(34)} | ----------- | --------- | ----- |`);
  console.log(row('publish with confirms', results.rawPublish, results.busPublish));
  console.log(row('consume + ack, prefetch 50', results.rawConsume, results.busConsume));
  const cpuLine = (where: string, raw: number[], ours: number[]) =>
    `${where}: raw ${median(raw).toFixed(1)} µs, ours ${median(ours).toFixed(1)} µs (${ratio(raw, ours).toFixed(2)}×)`;
  console.log(`\nCPU per published message (medians; the ratio is the median of per-round ratios):`);
  console.log(`  ${cpuLine('this process', results.rawPublishCpu, results.busPublishCpu)}`);
  console.log(`  ${cpuLine('RabbitMQ', results.rawPublishBrokerCpu, results.busPublishBrokerCpu)}`);
  console.log(`\nper round: ${JSON.stringify(results)}`);
  const publishRatio = ratio(results.rawPublish, results.busPublish);
  const isMet = publishRatio >= PUBLISH_GOAL;
  console.log(
    `publish goal: ours >= ${PUBLISH_GOAL.toFixed(2)} x raw: ${isMet ? 'met' : 'MISSED'} (${publishRatio.toFixed(2)})`,
  );
  writeResults('bus', {
    messages: MESSAGES,
    rounds: results,
    ratios: {
      publish: publishRatio,
      consume: ratio(results.rawConsume, results.busConsume),
      publishCpu: ratio(results.rawPublishCpu, results.busPublishCpu),
      publishBrokerCpu: ratio(results.rawPublishBrokerCpu, results.busPublishBrokerCpu),
    },
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
