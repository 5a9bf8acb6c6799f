import { DynamicModule, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { MetricsServer } from '../../src/platform/metrics-server';
import { loadSettings } from '../../src/settings/load-settings';
import { Settings } from '../../src/settings/settings';
import { testKeyPair } from './keys';
import { TEST_SECRET_KEY } from './secret-key';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly settings: Settings;
  /** http://127.0.0.1:<port> of the running app. */
  readonly baseUrl: string;
  /** http://127.0.0.1:<port>/metrics of the app's metrics listener (METRICS_PORT, 0 here). */
  readonly metricsUrl: string;
  /** The metrics text, scraped the way Prometheus does. */
  metrics(): Promise<string>;
  /** fetch() relative to baseUrl, JSON body helpers included. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** Production-like settings (DEBUG off) with keys made at run time; `env` overrides any of them. */
export function testSettings(env: Record<string, string> = {}): Settings {
  const keys = testKeyPair();
  return loadSettings({
    localEnvFile: null,
    env: {
      DEBUG: 'false',
      SECRET_KEY: TEST_SECRET_KEY,
      DATABASE_URL: 'sqlite:///:memory:',
      ALLOWED_HOSTS: 'localhost,127.0.0.1',
      JWT_SIGN_KEY: keys.privateKey,
      JWT_VERIFY_KEY: keys.publicKey,
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      SERVICE_NAME: 'test-service',
      // Every suite logs in from 127.0.0.1, and on PostgreSQL the counts are shared through the
      // run's one database: per-address limits are the business of auth-login-limits, which sets
      // its own (the per-username ones keep their defaults).
      LOGIN_RATE_LIMIT_IP: '100000',
      // A free port each: suites run side by side (`main` puts /metrics back on the HTTP port).
      METRICS_PORT: '0',
      ...env,
    },
  });
}

/** Boots the real AppModule on a real socket (port 0) against the database the env names. */
export async function startTestApp(
  env: Record<string, string> = {},
  configure?: (app: NestFastifyApplication) => void,
  extraImports: readonly (Type | DynamicModule)[] = [],
): Promise<TestApp> {
  const settings = testSettings(env);
  const app = await createApp(settings, extraImports);
  const inFlight = trackRequestsInFlight(app);
  configure?.(app);
  await app.startAllMicroservices();
  const metricsPort = await app.get(MetricsServer).listen('127.0.0.1');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('the test app is not on a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const metricsUrl = metricsPort === null ? `${baseUrl}/metrics` : `http://127.0.0.1:${metricsPort}/metrics`;
  return {
    app,
    settings,
    baseUrl,
    metricsUrl,
    metrics: async () => {
      const response = await fetch(metricsUrl);
      if (response.status !== 200) throw new Error(`${metricsUrl} answered ${response.status}`);
      return response.text();
    },
    request: (path, init = {}) => {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${baseUrl}${path}`, {
        ...rest,
        headers,
        body: json === undefined ? rest.body : JSON.stringify(json),
      });
    },
    close: () => closeReportingWhatHoldsIt(app, inFlight),
  };
}

/** The requests the app has not finished answering, as `METHOD url`. */
function trackRequestsInFlight(app: NestFastifyApplication): Map<object, string> {
  const inFlight = new Map<object, string>();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    inFlight.set(request, `${request.method} ${request.url}`);
    done();
  });
  const forget = (request: object, done: () => void): void => {
    inFlight.delete(request);
    done();
  };
  fastify.addHook('onResponse', (request, _reply, done) => forget(request, done));
  fastify.addHook('onRequestAbort', (request, done) => forget(request, done));
  return inFlight;
}

/**
 * app.close() as it is, but one that is still waiting after CLOSE_REPORT_MS says on stderr what
 * it waits for (a hook timeout alone says nothing), and goes on waiting.
 */
async function closeReportingWhatHoldsIt(
  app: NestFastifyApplication,
  inFlight: Map<object, string>,
): Promise<void> {
  const server = app.getHttpServer();
  const report = setTimeout(() => {
    server.getConnections((_error, connections) => {
      process.stderr.write(
        `\n  test app: app.close() still waiting after ${CLOSE_REPORT_MS / 1000} s: ` +
          `${connections} HTTP connection(s) open; requests unanswered: ${[...inFlight.values()].join(', ') || 'none'}; ` +
          `active resources: ${process.getActiveResourcesInfo().join(', ')}\n\n`,
      );
    });
  }, CLOSE_REPORT_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(report);
  }
}

const CLOSE_REPORT_MS = 20_000;
