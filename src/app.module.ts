import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { BusModule } from './bus/bus.module';
import { BusReadinessCheck } from './bus/bus.readiness-check';
import { DatabaseModule } from './database/database.module';
import { DatabaseReadinessCheck } from './database/database.readiness-check';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './platform/metrics.module';
import { ShutdownModule } from './platform/shutdown-state';
import { IndexController } from './http/index.controller';
import { ItemsModule } from './items/items.module';
import { JobsModule } from './jobs/jobs.module';
import { Settings } from './settings/settings';
import { SettingsModule } from './settings/settings.module';
import { SyncModule } from './sync/sync.module';
import { UsersModule } from './users/users.module';

/** The top of the import graph: wires the foundation and the feature modules. */
@Module({})
export class AppModule {
  /** `modules`: more feature modules (tests add replicas and probe jobs of their own this way). */
  static forRoot(settings: Settings, modules: readonly (Type | DynamicModule)[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        MetricsModule,
        ShutdownModule,
        DatabaseModule.forRoot(settings),
        AuthModule.forRoot(settings),
        BusModule.forRoot(settings),
        SyncModule.forRoot(settings),
        HealthModule.forRoot([DatabaseReadinessCheck, BusReadinessCheck], {
          metricsOnHttpPort: settings.observability.metricsPort === 'main',
        }),
        UsersModule.forRoot(settings),
        JobsModule.forRoot(settings),
        ItemsModule.forRoot(settings),
        ...modules,
      ],
      controllers: [IndexController],
    };
  }
}
