import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { Settings, SETTINGS } from '../settings/settings';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_CHECKS, ReadinessCheck } from './readiness-check';
import { Public } from '../auth/public.decorator';

/** Terminus's result (its `error` names what is down) with the status and a one-line message. */
type NotReadyBody = HealthCheckResult & { statusCode: 503; message: string };

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** The process is up and its event loop turns; nothing external is checked (a broker outage must not restart pods). */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** 200 when every dependency answers, 503 naming the one that does not. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | NotReadyBody> {
    try {
      return await this.checkDependencies();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // Terminus puts the per-dependency result in the exception; the error filter would flatten
      // it to one message, and an operator needs to see which dependency is down.
      const result = error.getResponse() as HealthCheckResult;
      void reply.status(503);
      const down = Object.keys(result.error ?? {});
      // The raw reasons (hosts, database and user names) are in the log line Terminus writes.
      const shown = this.settings.debug ? result : statesOnly(result);
      return { statusCode: 503, message: `not ready: ${down.join(', ') || 'unknown'}`, ...shown };
    }
  }

  private checkDependencies(): Promise<HealthCheckResult> {
    return this.health.check(
      this.checks.map(
        (readiness) => () =>
          this.indicators
            .check(readiness.name)
            .attempt(() => readiness.check())
            .withTimeout(CHECK_TIMEOUT_MS),
      ),
    );
  }
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
