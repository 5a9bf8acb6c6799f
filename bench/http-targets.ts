import { generateRsaKeyPair } from '../test/support/keys';
import { join } from 'node:path';
import { benchAccessToken } from './bench-token';
import { servedNodeFlags } from '../infrastructure/checks/served-node-flags';
import type { BenchRequest, Target } from './http.bench';
import { CORRELATION_IDLE_MS } from '../src/platform/correlation';

/** Past the service's idle window after a write, with a second to spare. */
const AFTER_WRITE_SETTLE_MS = CORRELATION_IDLE_MS + 1_000;
const afterWriteName = (what: string) =>
  `${what}: GET /api/me ${AFTER_WRITE_SETTLE_MS / 1000} s after one POST /api/items`;

/** The service's settings in the benchmarks: production mode, SQLite in `workdir`, verify-only. */
export function serviceEnv(workdir: string, publicKey: string): Record<string, string> {
  return {
    DEBUG: 'false',
    LOCAL_ENV_FILE: 'none',
    SECRET_KEY: 'bench-secret-key-0123456789-0123456789',
    DATABASE_URL: `sqlite:///${join(workdir, 'bench.sqlite3')}`,
    MIGRATE_ON_START: 'true',
    JWT_SIGN_KEY: '0',
    JWT_VERIFY_KEY: publicKey,
    // The targets run side by side: each takes a free metrics port (9464 by default).
    METRICS_PORT: '0',
    // As it ships: request logs on (LOG_LEVEL info), written to a sink the bench discards.
  };
}

/**
 * What the HTTP benchmark compares; the first entry is the baseline (bare Fastify), and the one
 * marked `isNestBaseline` is what the service's goals are set against (Nest itself, same version).
 * `postgresUrl`: a database of this run for the PostgreSQL write target (null: left out).
 */
export async function benchTargets(
  workdir: string,
  postgresUrl: string | null,
  otlpUrl: string,
): Promise<Target[]> {
  const keys = generateRsaKeyPair();
  const appEnv = serviceEnv(workdir, keys.publicKey);
  // Every load generator sends the same Bearer header, so the baselines parse it too.
  const bearer = { authorization: `Bearer ${await benchAccessToken(keys.privateKey, keys.publicKey)}` };
  const service = join(__dirname, '..', 'dist', 'main.js');
  // The flags it runs with in production (npm run start:prod, the image's entrypoint).
  const served = servedNodeFlags();
  // Tracing as a deployment turns it on: the OTLP exporter, batched, to a collector (the bench's
  // sink, which answers 200 to every export; the serialization is the server's cost, counted).
  const traced = { ...appEnv, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl };
  const untracedMe = 'this service: GET /api/me, RS256 (verified-token cache on)';
  // The service's /api/me as it ships; each target below changes one thing.
  const me = { script: service, nodeFlags: served, args: [], path: '/api/me', headers: bearer, env: appEnv };
  const oneWrite: BenchRequest = {
    method: 'POST',
    path: '/api/items',
    body: ITEM_BODY,
    headers: { ...bearer, 'content-type': 'application/json' },
  };
  const compared = comparedTargets(appEnv, bearer, oneWrite);
  return [
    { name: 'bare Fastify', script: 'servers/bare-fastify.ts', args: [], path: '/hello', headers: bearer },
    {
      name: 'Nest + Fastify adapter',
      script: 'servers/nest-minimal.ts',
      args: ['fastify'],
      path: '/hello',
      headers: bearer,
      isNestBaseline: true,
    },
    {
      // A floor for the goals: what one request log line (the service's default) costs Nest itself.
      name: 'Nest + Fastify adapter, one pino log line per request',
      script: 'servers/nest-minimal.ts',
      args: ['fastify-logged'],
      path: '/hello',
      headers: bearer,
      isLoggingFloor: true,
    },
    {
      // A floor for the tracing goal: what one exported OpenTelemetry span per request costs Nest.
      name: 'Nest + Fastify adapter, one OpenTelemetry span per request, exported',
      script: 'servers/nest-minimal.ts',
      args: ['fastify-traced'],
      path: '/hello',
      headers: bearer,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl },
      cpuVs: { target: 'Nest + Fastify adapter', as: 'untraced' },
      isTracingFloor: true,
    },
    {
      name: 'Nest + Express adapter',
      script: 'servers/nest-minimal.ts',
      args: ['express'],
      path: '/hello',
      headers: bearer,
      isFullRunOnly: true,
    },
    { name: untracedMe, ...me, readyPath: '/health/ready', goalVsNest: 0.9 },
    {
      // Reads while writes go on: each write's correlation scope turns Node's promise hooks on
      // (Node 20 and 22), for every request, until no scope has been open for a few seconds
      // (CorrelationScopes). The one-route target above never takes a write.
      name: 'this service: GET /api/me while taking one POST /api/items a second',
      ...me,
      sideRequest: { request: oneWrite, everyMs: 1_000 },
      cpuVs: { target: untracedMe, as: 'without writes' },
    },
    {
      // The same once the last write is past the idle window: the hooks are off again.
      name: afterWriteName('this service'),
      ...me,
      firstRequest: oneWrite,
      settleMs: AFTER_WRITE_SETTLE_MS,
      cpuVs: { target: untracedMe, as: 'before any write' },
    },
    {
      name: 'this service: GET /api/me, RS256 verified every request',
      ...me,
      env: { ...appEnv, JWT_CACHE_SIZE: '0' },
    },
    {
      name: 'this service: GET /api/me, tracing on, every request recorded and exported',
      ...me,
      env: traced,
      cpuVs: { target: untracedMe, as: 'untraced', goal: 1.1 },
    },
    {
      name: 'this service: GET /api/me, tracing on, OTEL_TRACES_SAMPLER_ARG=0.1',
      ...me,
      env: { ...traced, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
      cpuVs: { target: untracedMe, as: 'untraced' },
      isFullRunOnly: true,
    },
    {
      name: 'this service: GET /health/live',
      script: service,
      nodeFlags: served,
      args: [],
      path: '/health/live',
      readyPath: '/health/ready',
      headers: bearer,
      env: appEnv,
      goalVsNest: 0.95,
      // Started after the targets above migrated the SQLite file: its cold start is the app's alone.
      isService: true,
    },
    itemsPost('SQLite', appEnv, bearer, served),
    ...(postgresUrl
      ? [itemsPost('PostgreSQL', { ...appEnv, DATABASE_URL: postgresUrl }, bearer, served)]
      : []),
    ...compared,
  ];
}

const ITEM_BODY = JSON.stringify({
  name: 'bench item',
  description: 'written by npm run bench',
  quantity: 1,
});

/** A database write: each request inserts an item and its outbox row (items are a sync master). */
function itemsPost(
  database: string,
  env: Record<string, string>,
  bearer: Record<string, string>,
  served: string[],
): Target {
  return {
    name: `this service: POST /api/items (${database})`,
    script: join(__dirname, '..', 'dist', 'main.js'),
    nodeFlags: served,
    args: [],
    path: '/api/items',
    method: 'POST',
    body: ITEM_BODY,
    headers: { ...bearer, 'content-type': 'application/json' },
    readyPath: '/health/ready',
    env,
  };
}

/**
 * `BENCH_COMPARE_DIST=/other/checkout/dist/main.js` loads another build beside this one in the
 * same interleaved rounds, and `BENCH_COMPARE_ENV='NAME=value …'` runs it (or this build, when
 * no other is named) with other environment variables: A/Bs that machine noise cannot fake
 * (before/after a change, a runtime setting such as MALLOC_ARENA_MAX).
 */
function comparedTargets(
  appEnv: Record<string, string>,
  bearer: Record<string, string>,
  oneWrite: BenchRequest,
): Target[] {
  const extraEnv = parseEnvAssignments(process.env.BENCH_COMPARE_ENV ?? '');
  const script =
    process.env.BENCH_COMPARE_DIST ??
    (Object.keys(extraEnv).length > 0 ? join(__dirname, '..', 'dist', 'main.js') : undefined);
  if (!script) return [];
  const env = { ...appEnv, ...extraEnv };
  const base = { script, nodeFlags: servedNodeFlags(), args: [], path: '/api/me', headers: bearer, env };
  return [
    { ...base, name: 'compared build: GET /api/me, RS256 (verified-token cache on)' },
    {
      ...base,
      name: 'compared build: GET /api/me, RS256 verified every request',
      env: { ...env, JWT_CACHE_SIZE: '0' },
    },
    {
      ...base,
      name: 'compared build: GET /api/me while taking one POST /api/items a second',
      sideRequest: { request: oneWrite, everyMs: 1_000 },
    },
    {
      ...base,
      name: afterWriteName('compared build'),
      firstRequest: oneWrite,
      settleMs: AFTER_WRITE_SETTLE_MS,
    },
    { ...base, name: 'compared build: GET /health/live', path: '/health/live', readyPath: '/health/ready' },
  ];
}

/** `A=1 B=two` → `{ A: '1', B: 'two' }`; anything else is a mistake worth stopping for. */
function parseEnvAssignments(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    if (!match) throw new Error(`BENCH_COMPARE_ENV: "${word}" is not NAME=value`);
    env[match[1]] = match[2];
  }
  return env;
}
