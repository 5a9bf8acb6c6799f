import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { Settings, SETTINGS } from '../settings/settings';
import type { FastifyReply } from 'fastify';
import { ApiTags, WhenSwaggerLoads } from '../http/api-docs';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { READINESS_CHECKS, ReadinessCheck } from '../platform/readiness-check';
import { Public } from '../platform/public.decorator';
import { ShutdownState } from '../platform/shutdown-state';

/** Terminus's result (its `error` names what is down) with the status and a one-line message. */
type NotReadyBody = HealthCheckResult & { statusCode: 503; message: string };

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
/** `/health/live` is answered outside Nest (see liveness.ts); a broker outage must not restart pods. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly shutdown: ShutdownState,
  ) {}

  /**
   * 200 when every critical dependency answers, 503 naming the one that does not. Non-critical
   * ones (the broker) are reported, down included, without changing the status.
   */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  // Terminus's own documentation of the endpoint, which would import @nestjs/swagger at start-up.
  @WhenSwaggerLoads(() => HealthCheck({ noCache: false, swaggerDocumentation: true }))
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | NotReadyBody> {
    if (this.shutdown.draining) {
      // At once on SIGTERM, whatever the dependencies say: the endpoint must leave the load balancer.
      void reply.status(503);
      return {
        statusCode: 503,
        message: 'not ready: shutting down',
        status: 'shutting_down',
        info: {},
        error: {},
        details: {},
      };
    }
    const reported = this.reportNonCritical();
    try {
      return this.shown(withReported(await this.checkDependencies(), await reported));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // Terminus puts the per-dependency result in the exception; the error filter would flatten
      // it to one message, and an operator needs to see which dependency is down.
      const critical = error.getResponse() as HealthCheckResult;
      const result = withReported(critical, await reported);
      void reply.status(503);
      const down = Object.keys(critical.error ?? {});
      // The raw reasons (hosts, database and user names) are in the log line Terminus writes.
      return {
        statusCode: 503,
        message: `not ready: ${down.join(', ') || 'unknown'}`,
        ...this.shown(result),
      };
    }
  }

  /** Names and states only, unless DEBUG: a driver's message can name hosts and users. */
  private shown(result: HealthCheckResult): HealthCheckResult {
    return this.settings.debug ? result : statesOnly(result);
  }

  private async reportNonCritical(): Promise<HealthIndicatorResult> {
    const results = await Promise.all(
      this.checks
        .filter((readiness) => readiness.isCritical === false)
        .map(async (readiness): Promise<HealthIndicatorResult> => {
          try {
            const details = await withTimeout(readiness.check(), CHECK_TIMEOUT_MS);
            return { [readiness.name]: { status: 'up', ...details } };
          } catch (error) {
            return { [readiness.name]: { status: 'down', message: (error as Error).message } };
          }
        }),
    );
    return Object.assign({}, ...results) as HealthIndicatorResult;
  }

  private checkDependencies(): Promise<HealthCheckResult> {
    return this.health.check(
      this.checks
        .filter((readiness) => readiness.isCritical !== false)
        .map(
          (readiness) => () =>
            this.indicators
              .check(readiness.name)
              .attempt(() => readiness.check())
              .withTimeout(CHECK_TIMEOUT_MS),
        ),
    );
  }
}

/** Adds the non-critical dependencies to the body: under `info` when up, `error` when down. */
function withReported(result: HealthCheckResult, reported: HealthIndicatorResult): HealthCheckResult {
  const up = Object.fromEntries(Object.entries(reported).filter(([, value]) => value.status === 'up'));
  const down = Object.fromEntries(Object.entries(reported).filter(([, value]) => value.status !== 'up'));
  return {
    ...result,
    info: { ...result.info, ...up },
    error: { ...result.error, ...down },
    details: { ...result.details, ...reported },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Each dependency's name and state, nothing of what a driver said about it. */
export function statesOnly(result: HealthCheckResult): HealthCheckResult {
  const strip = <T extends HealthCheckResult['info']>(part: T): T =>
    (part &&
      Object.fromEntries(
        Object.entries(part).map(([name, entry]) => [name, { status: entry?.status ?? 'down' }]),
      )) as T;
  return {
    status: result.status,
    info: strip(result.info),
    error: strip(result.error),
    details: strip(result.details),
  };
}
