import { Body, Controller, DynamicModule, Get, HttpCode, Logger, Module, Param, Post } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AmqpContext } from '../../src/bus/amqp.context';
import { BusClient } from '../../src/bus/bus.client';
import { createRootLogger, PinoLoggerService } from '../../src/logging/logger';
import { Public } from '../../src/platform/public.decorator';
import { Settings, SETTINGS } from '../../src/settings/settings';
import { Received } from './bus-testbed';

export const PING_PATTERN = 'obs.ping';
/** A bus request (RPC) the probe answers itself. */
export const ECHO_PATTERN = 'obs.echo';

/** Routes with and without a path parameter, one that reads the database, and one that reads it, then publishes. */
@Public()
@Controller('obs-test')
class ProbeHttpController {
  constructor(
    private readonly bus: BusClient,
    private readonly dataSource: DataSource,
  ) {}

  @Get('things/:id')
  thing(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('counts')
  async count(): Promise<{ count: number }> {
    const [row] = await this.dataSource.query<{ two: number }[]>('SELECT 2 AS two');
    return { count: Number(row.two) };
  }

  @Post('pings')
  @HttpCode(202)
  async ping(@Body() body: { name: string }): Promise<{ published: true }> {
    await this.dataSource.query('SELECT 1 AS one');
    await this.bus.publishEvent(PING_PATTERN, body);
    return { published: true };
  }

  @Post('asks')
  @HttpCode(200)
  async ask(@Body() body: { name: string }): Promise<unknown> {
    return this.bus.request(ECHO_PATTERN, body);
  }
}

/** A bus handler that logs, as an application's would. */
@Controller()
class ProbeEventsController {
  private readonly logger = new Logger('PingHandler');

  constructor(private readonly received: Received) {}

  @EventPattern<string>(PING_PATTERN)
  onPing(@Payload() ping: unknown, @Ctx() context: AmqpContext): void {
    this.logger.log('ping received');
    this.received.record(ping, context);
  }

  @MessagePattern<string>(ECHO_PATTERN)
  onEcho(@Payload() ask: unknown, @Ctx() context: AmqpContext): { echo: unknown } {
    this.logger.log('echo asked');
    this.received.record(ask, context);
    return { echo: ask };
  }
}

@Module({ controllers: [ProbeHttpController, ProbeEventsController], providers: [Received] })
export class ObservabilityProbeModule {
  static forRoot(): DynamicModule {
    return { module: ObservabilityProbeModule };
  }
}

/** Every JSON line the app logs (Nest's Logger included), for assertions. */
export class LogCapture {
  private readonly chunks: string[] = [];

  /** Routes the app's Nest logging through the real root logger into this capture. */
  attach(app: NestFastifyApplication): void {
    const settings = app.get<Settings>(SETTINGS);
    const logger = createRootLogger(
      { ...settings, logLevel: 'info' },
      { write: (chunk) => this.chunks.push(chunk) },
    );
    app.useLogger(new PinoLoggerService(logger));
  }

  lines(): Record<string, unknown>[] {
    return this.chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  linesWith(message: string): Record<string, unknown>[] {
    return this.lines().filter((line) => line.msg === message);
  }
}
