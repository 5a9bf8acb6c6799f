import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { IN_PROCESS_BROKER } from '../bus/bus.constants';
import { AmqpDeadLetterQueue, InProcessDeadLetterQueue } from '../bus/dead-letters';
import { InProcessBroker } from '../bus/in-process.broker';
import { RetrySeal } from '../bus/retry-seal';
import { ItemsService } from '../items/items.service';
import { JobHistory } from '../jobs/job-history.service';
import { JobRegistry } from '../jobs/job-registry';
import { JobRunner } from '../jobs/job-runner.service';
import { SyncMetrics } from '../sync/sync.metrics';
import { SyncRegistry } from '../sync/sync.registry';
import { ADMIN_DEAD_LETTERS, AdminDeadLettersController } from './admin-dead-letters.controller';
import { Settings } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminHttp } from './admin-http';
import { AdminItemsController } from './admin-items.controller';
import { AdminJobsController } from './admin-jobs.controller';
import { AdminLoginController } from './admin-login.controller';
import { AdminSessionGuard } from './admin-session.guard';
import { AdminSyncController } from './admin-sync.controller';
import { AdminUsersController } from './admin-users.controller';

/**
 * A service that lives in a feature module, found wherever it is: the console uses the
 * features' own instances (importing their dynamic modules again would build second ones).
 */
function fromFeature(service: Type | symbol): Provider {
  return {
    provide: service,
    inject: [ModuleRef],
    useFactory: (moduleRef: ModuleRef): unknown => moduleRef.get(service, { strict: false }),
  };
}

/** The same DeadLetterQueue as `bus:dlq` on RabbitMQ; the in-process bus's own queues otherwise. */
function deadLetterQueue(settings: Settings): Provider {
  return {
    provide: ADMIN_DEAD_LETTERS,
    inject: [ModuleRef],
    useFactory: (moduleRef: ModuleRef) => {
      const seal = new RetrySeal(settings.secretKey);
      if (settings.amqpUrl) return new AmqpDeadLetterQueue(settings.amqpUrl, seal);
      return new InProcessDeadLetterQueue(moduleRef.get<InProcessBroker>(IN_PROCESS_BROKER, { strict: false }), seal);
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
      providers: [
        AdminHttp,
        AdminSessionGuard,
        AdminErrorFilter,
        deadLetterQueue(settings),
        ...[ItemsService, JobRegistry, JobHistory, JobRunner, SyncRegistry, SyncMetrics].map((service) =>
          fromFeature(service),
        ),
      ],
    };
  }
}
