import 'reflect-metadata';
import { createApp } from './app.factory';
import { exitOnStartupError, stopOnSignals } from './lifecycle';
import { loadSettingsOrExit } from './settings/load-settings';

async function bootstrap(): Promise<void> {
  const settings = loadSettingsOrExit();
  const app = await createApp(settings);
  stopOnSignals(app, settings.shutdownTimeoutSeconds);
  await app.startAllMicroservices();
  await app.listen({ port: settings.port, host: '0.0.0.0' });
}

bootstrap().catch(exitOnStartupError);
