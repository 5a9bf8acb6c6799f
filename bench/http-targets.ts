import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { Target } from './http.bench';

/** What the HTTP benchmark compares; the first entry is the baseline. */
export function benchTargets(workdir: string): Target[] {
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
    JWT_SIGN_KEY: keys.privateKey,
    JWT_VERIFY_KEY: keys.publicKey,
    // Request logs off: the figure is the framework's cost, not the log sink's.
    LOG_LEVEL: 'warn',
  };
  return [
    { name: 'bare Fastify', script: 'servers/bare-fastify.ts', args: [], path: '/hello' },
    { name: 'Nest + Fastify adapter', script: 'servers/nest-minimal.ts', args: ['fastify'], path: '/hello' },
    { name: 'Nest + Express adapter', script: 'servers/nest-minimal.ts', args: ['express'], path: '/hello' },
    {
      name: 'this service, GET /health/live',
      script: join(__dirname, '..', 'dist', 'main.js'),
      args: [],
      path: '/health/live',
      env: appEnv,
    },
  ];
}
