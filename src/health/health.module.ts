import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { READINESS_CHECKS, ReadinessCheck } from '../platform/readiness-check';

type CheckClass = new (...args: never[]) => ReadinessCheck;

/**
 * `/health/live`, `/health/ready`, and `/metrics` when METRICS_PORT=main (else MetricsServer serves
 * it on its own port and the HTTP port answers 404); the app module says what readiness depends on.
 */
@Module({})
export class HealthModule {
  static forRoot(checks: readonly CheckClass[], options: { metricsOnHttpPort: boolean }): DynamicModule {
    const readinessChecks: Provider = {
      provide: READINESS_CHECKS,
      useFactory: (...instances: ReadinessCheck[]) => instances,
      inject: [...checks],
    };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: options.metricsOnHttpPort ? [HealthController, MetricsController] : [HealthController],
      providers: [readinessChecks],
    };
  }
}
