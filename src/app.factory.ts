import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { connectBus } from './bus/bus.module';
import { connectSync } from './sync/sync.module';
import { createValidationPipe } from './http/validation';
import { configureHttp, createHttpAdapter } from './http/configure-http';
import { createRootLogger, PinoLoggerService } from './logging/logger';
import { Settings } from './settings/settings';

/** Builds the whole app, HTTP and bus, not yet started; main.ts and the e2e tests share it. */
export async function createApp(
  settings: Settings,
  modules: readonly (Type | DynamicModule)[] = [],
): Promise<NestFastifyApplication> {
  const logger = createRootLogger(settings);
  const nestLogger = new PinoLoggerService(logger);
  for (const warning of settings.warnings) logger.warn(`settings: ${warning}`);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(settings, [...modules, ...(await consoleModules(settings))]),
    createHttpAdapter(settings, logger),
    // Start-up errors reach main.ts as exceptions, so it can print one line instead of Nest exiting.
    { logger: nestLogger, abortOnError: false },
  );
  await configureHttp(app, settings);
  // Hybrid app: the same process consumes the bus (started by app.startAllMicroservices()).
  const bus = connectBus(app, settings, { pipes: [createValidationPipe('strip')] });
  // Replicas bind the service queue to the `cqrs` exchange; their deliveries go to data sync.
  connectSync(app, bus);
  return app;
}

/** The admin console, imported only when it is on: when off, not one of its files is loaded. */
async function consoleModules(settings: Settings): Promise<DynamicModule[]> {
  if (!settings.admin.enabled) return [];
  const { AdminModule } = await import('./admin/admin.module');
  return [AdminModule.forRoot(settings)];
}
