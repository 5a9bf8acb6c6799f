import 'reflect-metadata';
import { createApp } from './app.factory';
import { waitForDatabase } from './database/wait-for-database';
import { StandInServer } from './http/stand-in-server';
import { exitOnSignalsWhileStarting, exitOnStartupError, stopOnSignals } from './lifecycle';
import { createRootLogger } from './logging/logger';
import { MetricsServer } from './platform/metrics-server';
import { loadSettingsOrExit } from './settings/load-settings';
import { Settings } from './settings/settings';
import { startTracing } from './tracing/tracing';

const HOST = '0.0.0.0';

async function bootstrap(settings: Settings): Promise<void> {
  const logger = createRootLogger(settings).child({ context: 'Startup' });
  const releaseSignals = exitOnSignalsWhileStarting();
  let state = 'database';
  // Listen before anything can wait on a dependency (see StandInServer).
  const standIn = await StandInServer.listen(settings.port, HOST, () => state);
  await waitForDatabase(settings, { log: (line) => logger.warn(line) });
  state = 'start-up';
  const app = await createApp(settings);
  releaseSignals();
  stopOnSignals(app, {
    timeoutSeconds: settings.shutdownTimeoutSeconds,
    delaySeconds: settings.shutdownDelaySeconds,
  });
  // A broker that is down delays this by a bounded wait; the stand-in answers meanwhile.
  await app.startAllMicroservices();
  // Module start-up hooks run here, not inside listen(), so the port is free only for a moment.
  await app.init();
  // Before the HTTP port: a port already taken fails start-up before the service takes traffic.
  const metricsPort = await app.get(MetricsServer).listen(HOST);
  if (metricsPort !== null) logger.info(`GET /metrics on port ${metricsPort}`);
  await standIn.close();
  await app.listen({ port: settings.port, host: HOST });
}

const settings = loadSettingsOrExit();
// Before anything is built, so the first request and query are traced (off by default).
if (settings.observability.tracing) startTracing(settings.observability.tracing);
bootstrap(settings).catch((error: unknown) => exitOnStartupError(error, settings.debug));
