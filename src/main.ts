import 'reflect-metadata';
import { createApp } from './app.factory';
import { exitOnStartupError, stopOnSignals } from './lifecycle';
import { loadSettingsOrExit } from './settings/load-settings';
import { Settings } from './settings/settings';

async function bootstrap(settings: Settings): Promise<void> {
  const app = await createApp(settings);
  stopOnSignals(app, settings.shutdownTimeoutSeconds);
  await app.startAllMicroservices();
  await app.listen({ port: settings.port, host: '0.0.0.0' });
}

const settings = loadSettingsOrExit();
bootstrap(settings).catch((error: unknown) => exitOnStartupError(error, settings.debug));
