/**
 * main.ts with a slow route and a slow bus handler, for the shutdown-under-load test: SIGTERM
 * must find both with work in flight. Each handled message prints `handled <n>` on stdout.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Public } from '../../src/platform/public.decorator';
import { runServiceWith } from './service-entry';

export const SLOW_WORK_PATTERN = 'load.work';
const WORK_MS = Number(process.env.TEST_WORK_MS ?? '200');

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

@Public()
@Controller('slow')
class SlowController {
  @Get()
  async slow(): Promise<{ slept: number }> {
    await wait(WORK_MS);
    return { slept: WORK_MS };
  }
}

@Controller()
class SlowWorkHandler {
  @EventPattern<string>(SLOW_WORK_PATTERN)
  async work(@Payload() body: { n: number }): Promise<void> {
    await wait(WORK_MS);
    process.stdout.write(`handled ${body.n}\n`);
  }
}

@Module({ controllers: [SlowController, SlowWorkHandler] })
class SlowWorkModule {}

runServiceWith([SlowWorkModule]);
