import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { benchAccessToken } from './bench-token';
import type { Target } from './http.bench';

/** What the HTTP benchmark compares; the first entry is the baseline. */
export async function benchTargets(workdir: string): Promise<Target[]> {
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const appEnv = {
    DEBUG: 'false',
    LOCAL_ENV_FILE: 'none',
    SECRET_KEY: 'bench-secret-key-0123456789-0123456789',
    DATABASE_URL: `sqlite:///${join(workdir, 'bench.sqlite3')}`,
    MIGRATE_ON_START: 'true',
    JWT_SIGN_KEY: '0',
    JWT_VERIFY_KEY: keys.publicKey,
    // Request logs off: the figure is the framework's cost, not the log sink's.
    LOG_LEVEL: 'warn',
  };
  // Every load generator sends the same Bearer header, so the baselines parse it too.
  const bearer = { authorization: `Bearer ${await benchAccessToken(keys.privateKey, keys.publicKey)}` };
  const service = join(__dirname, '..', 'dist', 'main.js');
  // BENCH_COMPARE_DIST=/other/checkout/dist/main.js loads another build beside this one in the
  // same interleaved rounds: an A/B that machine noise cannot fake (e.g. before/after a change).
  const compare = process.env.BENCH_COMPARE_DIST;
  const compared: Target[] = compare
    ? [
        {
          name: 'compared build: GET /api/me, RS256 (verified-token cache on)',
          script: compare,
          args: [],
          path: '/api/me',
          headers: bearer,
          env: appEnv,
        },
        {
          name: 'compared build: GET /api/me, RS256 verified every request',
          script: compare,
          args: [],
          path: '/api/me',
          headers: bearer,
          env: { ...appEnv, JWT_CACHE_SIZE: '0' },
        },
      ]
    : [];
  return [
    { name: 'bare Fastify', script: 'servers/bare-fastify.ts', args: [], path: '/hello', headers: bearer },
    {
      name: 'Nest + Fastify adapter',
      script: 'servers/nest-minimal.ts',
      args: ['fastify'],
      path: '/hello',
      headers: bearer,
    },
    {
      name: 'Nest + Express adapter',
      script: 'servers/nest-minimal.ts',
      args: ['express'],
      path: '/hello',
      headers: bearer,
    },
    {
      name: 'this service: GET /api/me, RS256 (verified-token cache on)',
      script: service,
      args: [],
      path: '/api/me',
      headers: bearer,
      env: appEnv,
      goal: 0.6,
    },
    {
      name: 'this service: GET /api/me, RS256 verified every request',
      script: service,
      args: [],
      path: '/api/me',
      headers: bearer,
      env: { ...appEnv, JWT_CACHE_SIZE: '0' },
    },
    ...compared,
  ];
}
