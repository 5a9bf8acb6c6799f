import { DynamicModule, Module, Provider } from '@nestjs/common';
import {
  AmqpDeadLetterQueue,
  DeadLetter,
  DeadLetterQueue,
  InProcessDeadLetterQueue,
} from '../bus/dead-letters';
import { RetrySeal } from '../bus/retry-seal';
import { ADMIN_DEAD_LETTERS, AdminDeadLettersController } from './admin-dead-letters.controller';
import { Settings } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminFeatures } from './admin-features';
import { AdminHttp } from './admin-http';
import { AdminItemsController } from './admin-items.controller';
import { AdminJobsController } from './admin-jobs.controller';
import { AdminLoginController } from './admin-login.controller';
import { AdminSessionGuard } from './admin-session.guard';
import { AdminSyncController } from './admin-sync.controller';
import { AdminUsersController } from './admin-users.controller';

/** The in-process bus's queues, reached once the app is up (the broker is the bus module's). */
class LazyInProcessDeadLetterQueue implements DeadLetterQueue {
  private queue: DeadLetterQueue | null = null;

  constructor(private readonly create: () => DeadLetterQueue) {}

  list(queue: string, limit: number): Promise<DeadLetter[]> {
    return this.resolved.list(queue, limit);
  }
  replay(queue: string, limit: number): Promise<number> {
    return this.resolved.replay(queue, limit);
  }
  replayMessage(queue: string, messageId: string): Promise<boolean> {
    return this.resolved.replayMessage(queue, messageId);
  }
  purge(queue: string): Promise<number> {
    return this.resolved.purge(queue);
  }
  async close(): Promise<void> {}

  private get resolved(): DeadLetterQueue {
    return (this.queue ??= this.create());
  }
}

/** The same DeadLetterQueue as `bus:dlq` on RabbitMQ; the in-process bus's own queues otherwise. */
function deadLetterQueue(settings: Settings): Provider {
  return {
    provide: ADMIN_DEAD_LETTERS,
    inject: [AdminFeatures],
    useFactory: (features: AdminFeatures) => {
      const seal = new RetrySeal(settings.secretKey);
      if (settings.amqpUrl) return new AmqpDeadLetterQueue(settings.amqpUrl, seal);
      return new LazyInProcessDeadLetterQueue(
        () => new InProcessDeadLetterQueue(features.inProcessBroker!, seal),
      );
    },
  };
}

/**
 * The operator console at /admin: server-rendered pages over the features' services. Loaded
 * only when ADMIN_ENABLED is on (app.factory.ts imports this file lazily).
 */
@Module({})
export class AdminModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AdminModule,
      controllers: [
        AdminLoginController,
        AdminUsersController,
        AdminItemsController,
        AdminDeadLettersController,
        AdminJobsController,
        AdminSyncController,
      ],
      providers: [AdminHttp, AdminSessionGuard, AdminErrorFilter, AdminFeatures, deadLetterQueue(settings)],
    };
  }
}
