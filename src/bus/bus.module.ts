import {
  DynamicModule,
  Global,
  Inject,
  INestApplication,
  INestApplicationContext,
  PipeTransform,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { CustomTransportStrategy } from '@nestjs/microservices';
import type { NestMicroservice } from '@nestjs/microservices';
import { BusExceptionFilter } from './bus-exception.filter';
import { MetricsService } from '../platform/metrics.service';
import { Settings } from '../settings/settings';
import { AmqpClient } from './amqp.client';
import { AmqpServer } from './amqp.server';
import { BusClient } from './bus.client';
import { BUS_CLIENT, IN_PROCESS_BROKER } from './bus.constants';
import { BusMetrics } from './bus.metrics';
import { BusReadinessCheck } from './bus.readiness-check';
import { DeliveryCounter } from './delivery-counter';
import { DataSource } from 'typeorm';
import { BusServer, BusServerOptions } from './bus.server';
import { InProcessBroker } from './in-process.broker';
import { InProcessClient } from './in-process.client';
import { InProcessServer } from './in-process.server';

/** Starts the client with the app and flushes it (pending confirms) when the app closes. */
class BusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(BUS_CLIENT) private readonly client: BusClient,
    private readonly ownBroker: InProcessBroker | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    this.ownBroker?.close();
  }
}

/**
 * The message bus: `BUS_CLIENT` (also injectable as `BusClient`) publishes and requests;
 * `createBusServer()` makes the transport that runs `@EventPattern` / `@MessagePattern` handlers.
 * RabbitMQ when `AMQP_URL` is set, otherwise in-process with the same semantics.
 */
@Global()
@Module({})
export class BusModule {
  /** `inProcessBroker` lets tests run several in-process services on one broker. */
  static forRoot(
    settings: Settings,
    options: { readonly inProcessBroker?: InProcessBroker } = {},
  ): DynamicModule {
    return {
      module: BusModule,
      providers: [
        {
          provide: IN_PROCESS_BROKER,
          useFactory: () => (settings.amqpUrl ? null : (options.inProcessBroker ?? new InProcessBroker())),
        },
        {
          provide: BUS_CLIENT,
          inject: [IN_PROCESS_BROKER, { token: MetricsService, optional: true }],
          useFactory: (broker: InProcessBroker | null, metrics?: MetricsService) =>
            createBusClient(settings, broker, new BusMetrics(metrics ?? null)),
        },
        { provide: BusClient, useExisting: BUS_CLIENT },
        BusReadinessCheck,
        {
          provide: BusLifecycle,
          inject: [BUS_CLIENT, IN_PROCESS_BROKER],
          // A broker handed in by the caller is the caller's to close.
          useFactory: (client: BusClient, broker: InProcessBroker | null) =>
            new BusLifecycle(client, options.inProcessBroker ? null : broker),
        },
      ],
      exports: [BUS_CLIENT, BusClient, IN_PROCESS_BROKER, BusReadinessCheck],
    };
  }
}

export function createBusClient(
  settings: Settings,
  broker: InProcessBroker | null,
  metrics: BusMetrics,
): BusClient {
  const { exchange, publishTimeoutMs, publishBufferLimit, requestTimeoutMs } = settings.bus;
  if (settings.amqpUrl) {
    const connectionName = `${settings.serviceName}-publisher`;
    return new AmqpClient(
      {
        url: settings.amqpUrl,
        exchange,
        publishTimeoutMs,
        publishBufferLimit,
        requestTimeoutMs,
        connectionName,
      },
      metrics,
    );
  }
  return new InProcessClient(broker ?? new InProcessBroker(), { exchange, requestTimeoutMs }, metrics);
}

/**
 * The server strategy for `app.connectMicroservice({ strategy })`. In-process it shares the
 * app's broker with `BUS_CLIENT`; its connection joins the `broker` readiness check.
 */
export function createBusServer(
  app: INestApplicationContext,
  settings: Settings,
  extra: Pick<BusServerOptions, 'extraBindings' | 'drainTimeoutMs'> = {},
): CustomTransportStrategy & BusServer {
  const metrics = new BusMetrics(optionalGet(app, MetricsService));
  const options: BusServerOptions = {
    ...settings.bus,
    ...extra,
    secretKey: settings.secretKey,
    // Leaves part of SHUTDOWN_TIMEOUT for confirms and the rest of the shutdown.
    drainTimeoutMs: extra.drainTimeoutMs ?? Math.max(1000, settings.shutdownTimeoutSeconds * 700),
  };
  const server = settings.amqpUrl
    ? new AmqpServer(
        {
          ...options,
          url: settings.amqpUrl,
          connectionName: `${settings.serviceName}-consumer`,
          deliveryCounter: deliveryCounterOf(app, settings.bus.queue),
        },
        metrics,
      )
    : new InProcessServer(app.get<InProcessBroker>(IN_PROCESS_BROKER), options, metrics);
  optionalGet(app, BusReadinessCheck)?.watch(server);
  return server;
}

/**
 * Connects the bus to `app` as a hybrid microservice, started by `app.startAllMicroservices()`.
 * The bus gets a configuration of its own instead of inheriting the app's: the HTTP error filter
 * means nothing to a message, and whatever the bus needs stays off the HTTP request path.
 */
export function connectBus(
  app: INestApplication,
  settings: Settings,
  extra: Pick<BusServerOptions, 'extraBindings' | 'drainTimeoutMs'> & { pipes?: PipeTransform[] } = {},
): BusServer {
  const server = createBusServer(app, settings, extra);
  // Deferred, so the pipes and the filter below exist before Nest builds the handlers.
  const microservice = app.connectMicroservice({ strategy: server }, { deferInitialization: true });
  // The app runs every module's lifecycle hooks once; the microservice must not run them again.
  (microservice as unknown as NestMicroservice).setIsInitHookCalled(true);
  microservice.useGlobalPipes(...(extra.pipes ?? []));
  microservice.useGlobalFilters(new BusExceptionFilter());
  return server;
}

/** Redeliveries are counted in the app's database; an app without one (a bare test app) does not count. */
function deliveryCounterOf(app: INestApplicationContext, queue: string): DeliveryCounter | undefined {
  const dataSource = optionalGet(app, DataSource);
  return dataSource ? new DeliveryCounter(dataSource, queue) : undefined;
}

function optionalGet<T>(app: INestApplicationContext, token: abstract new (...args: never[]) => T): T | null {
  try {
    return app.get(token, { strict: false });
  } catch {
    return null;
  }
}
