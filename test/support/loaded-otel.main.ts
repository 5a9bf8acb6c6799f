// Boots the app as main.ts does (tracing from the OTEL_* variables), answers one request that
// reads the database and publishes on the in-process bus, then prints the OpenTelemetry
// packages Node loaded, @opentelemetry/api aside (prom-client always loads the API).
import 'reflect-metadata';
import { startTracing } from '../../src/tracing/tracing';
import { ObservabilityProbeModule } from './observability-probe';
import { startTestApp, testSettings } from './test-app';

async function main(): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('OTEL_')),
  );
  const tracing = testSettings(env).observability.tracing;
  if (tracing) startTracing(tracing);
  const app = await startTestApp(env, undefined, [ObservabilityProbeModule.forRoot()]);
  const response = await app.request('/obs-test/pings', { method: 'POST', json: { name: 'probe' } });
  if (response.status !== 202) throw new Error(`POST /obs-test/pings answered ${response.status}`);
  const packages = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const name = /node_modules[\\/](@opentelemetry[\\/][^\\/]+)/.exec(file)?.[1].replace('\\', '/');
    if (name && name !== '@opentelemetry/api') packages.add(name);
  }
  await app.close();
  process.stdout.write(`${JSON.stringify([...packages].sort())}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
