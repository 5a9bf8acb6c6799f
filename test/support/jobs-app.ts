import 'reflect-metadata';
import { createApp } from '../../src/app.factory';
import { exitOnStartupError, stopOnSignals } from '../../src/lifecycle';
import { loadSettingsOrExit } from '../../src/settings/load-settings';
import { ProbeJobsModule } from './jobs-probe.module';

/** src/main.ts plus the probe jobs (PROBE_DIR), for tests that run several real processes. */
const settings = loadSettingsOrExit();
createApp(settings, [ProbeJobsModule.forRoot(process.env.PROBE_DIR ?? '.')])
  .then(async (app) => {
    stopOnSignals(app, settings.shutdownTimeoutSeconds);
    await app.startAllMicroservices();
    await app.listen({ port: settings.port, host: '127.0.0.1' });
  })
  .catch((error: unknown) => exitOnStartupError(error, settings.debug));
