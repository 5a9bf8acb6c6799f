import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createApp } from '../../src/app.factory';
import { UsersService } from '../../src/auth/users.service';
import { loadSettings } from '../../src/settings/load-settings';
import { Settings } from '../../src/settings/settings';
import { TestKeys } from '../factories/token.factory';

export interface AuthTestApp {
  readonly app: NestFastifyApplication;
  readonly settings: Settings;
  readonly baseUrl: string;
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** Production-like settings (DEBUG off) for a login service signing with `keys`. */
export function loginServiceEnv(keys: TestKeys, databaseUrl: string): Record<string, string> {
  return { JWT_SIGN_KEY: keys.privatePem, JWT_VERIFY_KEY: keys.publicPem, DATABASE_URL: databaseUrl };
}

/** Boots the real app (AppModule through createApp) on 127.0.0.1 with an ephemeral port. */
export async function startAuthApp(env: Record<string, string>): Promise<AuthTestApp> {
  const settings = loadSettings({
    localEnvFile: null,
    env: {
      DEBUG: 'false',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      ALLOWED_HOSTS: 'localhost,127.0.0.1',
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
      SERVICE_NAME: 'test-auth',
      ...env,
    },
  });
  const app = await createApp(settings);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('the test app is not on a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    settings,
    baseUrl,
    request: (path, init = {}) => {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set('content-type', 'application/json');
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${baseUrl}${path}`, {
        ...rest,
        headers,
        body: json === undefined ? rest.body : JSON.stringify(json),
      });
    },
    close: () => app.close(),
  };
}

export function sqliteUrl(): string {
  return `sqlite:///${join(mkdtempSync(join(tmpdir(), 'auth-test-')), 'db.sqlite3')}`;
}

/** Users are created through the service the CLI uses, so the real hash is stored. */
export async function createUser(
  app: AuthTestApp,
  overrides: { username?: string; password?: string; roles?: string[]; isActive?: boolean } = {},
) {
  const input = {
    username: `user${Math.random().toString(36).slice(2, 10)}`,
    password: 'correct-horse-battery',
    roles: [],
    ...overrides,
  };
  const user = await app.app.get(UsersService).create(input);
  return { ...input, id: user.id };
}

export async function login(
  app: AuthTestApp,
  username: string,
  password: string,
): Promise<{ access: string; refresh: string }> {
  const response = await app.request('/api/token/', { method: 'POST', json: { username, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { access: string; refresh: string };
}

const POSTGRES_SERVER = process.env.TEST_POSTGRES_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A PostgreSQL database of its own (test_auth_<pid>_<time>), or null when the server is not
 * reachable; under CI=true an unreachable server is an error, never a skip.
 */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = new Client({ connectionString: POSTGRES_SERVER, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required under CI=true: ${(error as Error).message}`);
    console.warn(`PostgreSQL unreachable (${(error as Error).message}): PostgreSQL auth tests are left out`);
    return null;
  }
  const name = `test_auth_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      if (!name.includes('test')) throw new Error(`refusing to drop "${name}"`);
      const client = new Client({ connectionString: POSTGRES_SERVER });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
