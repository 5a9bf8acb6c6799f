// Boots the app over real HTTP and follows Node's promise hooks through a write, the idle window
// after it, and the writes that come next; prints what it saw as one JSON line (see
// observability.e2e-spec). A process of its own: promise hooks are the process's, and a test
// runner's other suites turn them on and off.
import 'reflect-metadata';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { executionAsyncId } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { correlation, CORRELATION_IDLE_MS, currentCorrelationId } from '../../src/platform/correlation';
import { Public } from '../../src/platform/public.decorator';
import { startTestApp } from './test-app';

/** A write route that reports the correlation id its handler sees after real asynchronous work. */
@Public()
@Controller('correlation-probe')
class WriteProbeController {
  constructor(private readonly dataSource: DataSource) {}

  @Post()
  @HttpCode(200)
  async write(): Promise<{ seen: string | null }> {
    await this.dataSource.query('SELECT 1 AS one');
    await sleep(5);
    return { seen: currentCorrelationId() ?? null };
  }
}

@Module({ controllers: [WriteProbeController] })
class WriteProbeModule {}

/**
 * Whether promise hooks run now: with them a promise's reaction runs under the promise's own
 * async id, without them under none (0). Asked from a fresh macrotask, outside any request.
 */
async function promiseHooksAreOn(): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  return Promise.resolve().then(() => executionAsyncId() !== 0);
}

async function main(): Promise<void> {
  const app = await startTestApp({}, undefined, [WriteProbeModule]);
  const write = async (requestId: string): Promise<string | null> => {
    const response = await app.request('/correlation-probe', {
      method: 'POST',
      headers: { 'x-request-id': requestId },
    });
    if (response.status !== 200) throw new Error(`POST /correlation-probe answered ${response.status}`);
    return ((await response.json()) as { seen: string | null }).seen;
  };
  const read = async (): Promise<void> => {
    const response = await app.request('/health/ready');
    await response.arrayBuffer();
  };
  const state = async () => ({ hooks: await promiseHooksAreOn(), isOn: correlation.isOn });

  await read();
  const atStart = await state();
  const firstSeen = await write('first-write');
  const afterWrite = await state();
  await sleep(CORRELATION_IDLE_MS / 2);
  const withinWindow = await state();
  await sleep(CORRELATION_IDLE_MS / 2 + 1_000);
  const afterIdle = await state();
  await read();
  const afterRead = await state();
  const [secondSeen, thirdSeen] = await Promise.all([write('second-write'), write('third-write')]);
  const afterNextWrites = await state();
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ atStart, firstSeen, afterWrite, withinWindow, afterIdle, afterRead, secondSeen, thirdSeen, afterNextWrites })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
