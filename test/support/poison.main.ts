/**
 * main.ts with a handler that kills the whole process on a poison message (an error thrown out of
 * a timer callback, which no handler can catch), and one that never completes: for the poison
 * and handler-timeout tests. Each good message prints `handled <n>` on stdout.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { runServiceWith } from './service-entry';

export interface PoisonTestBody {
  readonly n: number;
  /** `crash`: kills the process; `hang`: never completes (once per `n` unless `always`). */
  readonly kind?: 'crash' | 'hang';
}

@Controller()
class PoisonHandler {
  @EventPattern<string>('poison.work')
  async work(@Payload() body: PoisonTestBody): Promise<void> {
    process.stdout.write(`started ${body.n}\n`);
    if (body.kind === 'crash') {
      setTimeout(() => {
        throw new Error(`poison message ${body.n} crashes the process`);
      }, 0);
      await new Promise(() => undefined);
    }
    if (body.kind === 'hang') await new Promise(() => undefined);
    process.stdout.write(`handled ${body.n}\n`);
  }
}

@Module({ controllers: [PoisonHandler] })
class PoisonModule {}

runServiceWith([PoisonModule]);
