import { Injectable, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { IN_PROCESS_BROKER } from '../bus/bus.constants';
import { BusClient } from '../bus/bus.client';
import { InProcessBroker } from '../bus/in-process.broker';
import { ItemsService } from '../items/items.service';
import { JobHistory } from '../jobs/job-history.service';
import { JobRegistry } from '../jobs/job-registry';
import { JobRunner } from '../jobs/job-runner.service';
import { SyncMetrics } from '../sync/sync.metrics';
import { SyncRegistry } from '../sync/sync.registry';
import { SyncedUsersService } from '../users/synced-users.service';

/**
 * The features' own service instances, found where their modules put them. Importing the
 * features' dynamic modules again would build second instances (a second relay, a second
 * scheduler); providing their tokens here would shadow them. Looked up on first use, when the
 * app is up.
 */
@Injectable()
export class AdminFeatures {
  constructor(private readonly moduleRef: ModuleRef) {}

  get items(): ItemsService {
    return this.find(ItemsService);
  }
  /** Only on a verify-only service (JWT_SIGN_KEY=0), which keeps a replica of the users. */
  get syncedUsers(): SyncedUsersService {
    return this.find(SyncedUsersService);
  }
  get jobRegistry(): JobRegistry {
    return this.find(JobRegistry);
  }
  get jobHistory(): JobHistory {
    return this.find(JobHistory);
  }
  get jobRunner(): JobRunner {
    return this.find(JobRunner);
  }
  get syncRegistry(): SyncRegistry {
    return this.find(SyncRegistry);
  }
  get syncMetrics(): SyncMetrics {
    return this.find(SyncMetrics);
  }
  get bus(): BusClient {
    return this.find(BusClient as unknown as Type<BusClient>);
  }
  /** Null when the service runs on RabbitMQ. */
  get inProcessBroker(): InProcessBroker | null {
    return this.moduleRef.get<InProcessBroker | null>(IN_PROCESS_BROKER, { strict: false });
  }

  private find<T>(service: Type<T>): T {
    return this.moduleRef.get(service, { strict: false });
  }
}
