import { Body, Controller, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { Public } from '../../src/platform/public.decorator';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import { AppModule } from '../../src/app.module';
import { TokenService } from '../../src/auth/token.service';
import { AmqpContext } from '../../src/bus/amqp.context';
import { BusClient } from '../../src/bus/bus.client';
import { connectBus } from '../../src/bus/bus.module';
import { createValidationPipe } from '../../src/http/validation';
import { BusReadinessCheck } from '../../src/bus/bus.readiness-check';
import { IN_PROCESS_BROKER } from '../../src/bus/bus.constants';
import { DeadLetterQueue, InProcessDeadLetterQueue } from '../../src/bus/dead-letters';
import { InProcessBroker } from '../../src/bus/in-process.broker';
import { RetrySeal } from '../../src/bus/retry-seal';
import { configureHttp, createHttpAdapter } from '../../src/http/configure-http';
import { createRootLogger, PinoLoggerService } from '../../src/logging/logger';
import { Settings } from '../../src/settings/settings';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { BusTestbed, Received } from '../support/bus-testbed';
import { testSettings } from '../support/test-app';

// Boots the real AppModule with HTTP and the bus; every wait inside is bounded on its own.
jest.setTimeout(60_000);

class PingDto {
  @IsString()
  name!: string;
}

// Public: this suite is about the bus, not about tokens.
@Public()
@Controller('bus-test')
class PingHttpController {
  constructor(private readonly bus: BusClient) {}

  @Post('pings')
  @HttpCode(202)
  async publishPing(@Body() body: { name: string }): Promise<{ published: true }> {
    await this.bus.publishEvent('hybrid.ping', body);
    return { published: true };
  }
}

@Controller()
class PingEventsController {
  constructor(private readonly received: Received) {}

  /** The app's global ValidationPipe checks the body before this runs. */
  @EventPattern<string>('hybrid.ping')
  onPing(@Payload() ping: PingDto, @Ctx() context: AmqpContext): void {
    this.received.record(ping, context);
  }
}

/** The real AppModule plus the bus, as app.module.ts will import it. */
@Module({})
class HybridTestModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: HybridTestModule,
      imports: [AppModule.forRoot(settings)],
      controllers: [PingHttpController, PingEventsController],
      providers: [Received],
    };
  }
}

/** What main.ts does: createApp, then the bus as a hybrid microservice on the same app. */
async function startHybridApp(settings: Settings): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const logger = createRootLogger(settings);
  const app = await NestFactory.create<NestFastifyApplication>(
    HybridTestModule.forRoot(settings),
    createHttpAdapter(settings, logger),
    {
      logger: new PinoLoggerService(logger),
      abortOnError: false,
    },
  );
  await configureHttp(app, settings);
  connectBus(app, settings, { pipes: [createValidationPipe('strip')] });
  await app.startAllMicroservices();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('the app is not on a TCP port');
  return { app, baseUrl: `http://127.0.0.1:${address.port}` };
}

const transports = ['in-process', ...(requireBroker() ? (['amqp'] as const) : [])] as const;

describe.each(transports)('the real app with HTTP and the bus over %s', (kind) => {
  let bed: BusTestbed;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let settings: Settings;
  let dlq: DeadLetterQueue;

  beforeAll(async () => {
    bed = new BusTestbed(kind);
    const service = uniqueName('hybrid');
    bed.janitor.serviceQueue(service, [10]);
    settings = testSettings({
      METRICS_PORT: 'main', // the hand-built app below has only the HTTP port
      SERVICE_NAME: service,
      AMQP_URL: kind === 'amqp' ? 'amqp://guest:guest@127.0.0.1:5672' : 'None',
      AMQP_EXCHANGE: bed.exchange,
      BUS_RETRY_DELAYS: '10ms',
    });
    ({ app, baseUrl } = await startHybridApp(settings));
    dlq =
      kind === 'amqp'
        ? bed.deadLetters()
        : new InProcessDeadLetterQueue(
            app.get<InProcessBroker>(IN_PROCESS_BROKER),
            new RetrySeal(settings.secretKey),
          );
  });

  afterAll(async () => {
    await dlq?.close();
    await app?.close();
    await bed.close();
  });

  it('handles an event published from an HTTP request in the same process', async () => {
    // A real access token through the app's global auth guard, as any client would send.
    const { token } = await app
      .get(TokenService)
      .issue({ id: 'user-1', username: 'alice', roles: [] }, 'access');
    const response = await fetch(`${baseUrl}/bus-test/pings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'from-http' }),
    });
    expect(response.status).toBe(202);
    const received = app.get(Received);
    await waitFor('the ping handler', () => received.messages.length === 1);
    expect(received.messages[0]).toMatchObject({ pattern: 'hybrid.ping', data: { name: 'from-http' } });
  });

  it('parks a body the ValidationPipe rejects at once, without retries', async () => {
    await app.get(BusClient).publishEvent('hybrid.ping', { name: 42 });
    let parked: Awaited<ReturnType<DeadLetterQueue['list']>> = [];
    await waitFor(
      'the invalid ping in the DLQ',
      async () => (parked = await dlq.list(settings.bus.queue, 10)).length === 1,
    );
    expect(parked[0]).toMatchObject({ reason: 'invalid-body', retries: 0, routingKey: 'hybrid.ping' });
    expect(parked[0].lastError).toContain('name must be a string');
  });

  it('counts bus traffic on /metrics and reports the broker ready', async () => {
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/bus_messages_published_total \d+/);
    expect(metrics).toMatch(/bus_messages_confirmed_total \d+/);
    expect(metrics).toContain('bus_messages_consumed_total{pattern="hybrid.ping"} 1');
    expect(metrics).toContain('bus_messages_dead_lettered_total{reason="invalid-body"} 1');
    await expect(app.get(BusReadinessCheck).check()).resolves.toEqual({ publisher: 'up', consumers: 1 });
  });

  it('drops unknown fields of a message instead of parking it (tolerant reader)', async () => {
    const received = app.get(Received);
    const before = received.messages.length;
    await app.get(BusClient).publishEvent('hybrid.ping', { name: 'newer producer', addedLater: true });
    await waitFor('the ping with an extra field', () => received.messages.length === before + 1);
    expect(received.messages[before].data).toEqual({ name: 'newer producer' });
  });
});
