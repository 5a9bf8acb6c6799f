import { INestApplication, Injectable, Provider, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConsumeMessage } from 'amqplib';
import { connect } from 'amqplib';
import { AmqpContext } from '../../src/bus/amqp.context';
import { BusClient } from '../../src/bus/bus.client';
import { BusModule, connectBus } from '../../src/bus/bus.module';
import { createValidationPipe } from '../../src/http/validation';
import { AmqpDeadLetterQueue, DeadLetterQueue, InProcessDeadLetterQueue } from '../../src/bus/dead-letters';
import { InProcessBroker } from '../../src/bus/in-process.broker';
import { RetrySeal } from '../../src/bus/retry-seal';
import { MetricsModule } from '../../src/platform/metrics.module';
import { loadSettings } from '../../src/settings/load-settings';
import { Settings } from '../../src/settings/settings';
import { SettingsModule } from '../../src/settings/settings.module';
import { BrokerJanitor, TEST_AMQP_URL, uniqueName } from './broker';
import { TEST_SECRET_KEY } from './secret-key';

export type TransportKind = 'amqp' | 'in-process';

export interface ReceivedMessage {
  readonly pattern: string;
  readonly routingKey: string;
  readonly exchange: string;
  readonly data: unknown;
  readonly message: ConsumeMessage;
}

/** What a test service's handlers saw; one per service app. */
@Injectable()
export class Received {
  readonly messages: ReceivedMessage[] = [];

  record(data: unknown, context: AmqpContext): void {
    this.messages.push({
      pattern: context.getPattern(),
      routingKey: context.getRoutingKey(),
      exchange: context.getExchange(),
      data,
      message: context.getMessage(),
    });
  }

  dataFor(pattern: string): unknown[] {
    return this.messages.filter((m) => m.pattern === pattern).map((m) => m.data);
  }
}

export interface TestService {
  readonly app: INestApplication;
  readonly settings: Settings;
  readonly received: Received;
  readonly client: BusClient;
}

/**
 * Boots real hybrid Nest apps (HTTP app + bus microservice, as main.ts does) for one test, on a
 * fresh exchange and fresh queues, and tears down everything the test declared.
 */
export class BusTestbed {
  readonly exchange = uniqueName('ex');
  readonly retryDelaysMs = [50, 120];
  readonly janitor = new BrokerJanitor();
  readonly broker = new InProcessBroker();
  private readonly apps: INestApplication[] = [];

  constructor(readonly kind: TransportKind) {
    this.janitor.exchange(this.exchange);
  }

  settings(serviceName: string, env: Record<string, string> = {}): Settings {
    this.janitor.serviceQueue(serviceName, this.retryDelaysMs);
    return loadSettings({
      env: {
        DEBUG: 'true',
        SECRET_KEY: TEST_SECRET_KEY,
        SERVICE_NAME: serviceName,
        AMQP_URL: this.kind === 'amqp' ? TEST_AMQP_URL : 'None',
        AMQP_EXCHANGE: this.exchange,
        BUS_RETRY_DELAYS: this.retryDelaysMs.map((ms) => `${ms}ms`).join(','),
        BUS_REQUEST_TIMEOUT: '3s',
        BUS_PUBLISH_TIMEOUT: '20s',
        ...env,
      },
      localEnvFile: null,
    });
  }

  /** Starts one replica of `serviceName` with these controllers. */
  async startService(
    serviceName: string,
    controllers: Type[],
    options: {
      providers?: Provider[];
      extraBindings?: { exchange: string; routingKey: string }[];
      env?: Record<string, string>;
    } = {},
  ): Promise<TestService> {
    const settings = this.settings(serviceName, options.env);
    const moduleRef = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot(settings),
        MetricsModule,
        BusModule.forRoot(settings, { inProcessBroker: this.broker }),
      ],
      controllers,
      providers: [Received, ...(options.providers ?? [])],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    connectBus(app, settings, {
      extraBindings: options.extraBindings,
      drainTimeoutMs: 5000,
      pipes: [createValidationPipe('strip')],
    });
    this.apps.push(app);
    await app.startAllMicroservices();
    await app.init();
    return { app, settings, received: app.get(Received), client: app.get(BusClient) };
  }

  /** Closes one service as SIGTERM would (app.close()). */
  async stopService(service: TestService): Promise<void> {
    const index = this.apps.indexOf(service.app);
    if (index >= 0) this.apps.splice(index, 1);
    await service.app.close();
  }

  /** A message only a foreign or broken publisher would send (the bus itself always sends JSON). */
  async publishRaw(routingKey: string, content: Buffer): Promise<void> {
    if (this.kind === 'in-process') {
      this.broker.publish(this.exchange, routingKey, content, {
        messageId: uniqueName('raw'),
        contentType: 'text/plain',
      });
      return;
    }
    const connection = await connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(this.exchange, routingKey, content, {
        persistent: true,
        messageId: uniqueName('raw'),
        contentType: 'text/plain',
      });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

  deadLetters(): DeadLetterQueue {
    return this.kind === 'amqp'
      ? new AmqpDeadLetterQueue(TEST_AMQP_URL, new RetrySeal(TEST_SECRET_KEY))
      : new InProcessDeadLetterQueue(this.broker, new RetrySeal(TEST_SECRET_KEY));
  }

  async close(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.close();
    this.broker.close();
    if (this.kind === 'amqp') await this.janitor.cleanup();
  }
}
