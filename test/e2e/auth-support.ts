import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsersService } from '../../src/auth/users.service';
import { TestKeys } from '../factories/token.factory';
import { startTestApp, TestApp } from '../support/test-app';

export interface AuthTestApp extends TestApp {
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
}

/** Production-like settings (DEBUG off) for a login service signing with `keys`. */
export function loginServiceEnv(keys: TestKeys, databaseUrl: string): Record<string, string> {
  return { JWT_SIGN_KEY: keys.privatePem, JWT_VERIFY_KEY: keys.publicPem, DATABASE_URL: databaseUrl };
}

/** The shared test app (real AppModule, 127.0.0.1, ephemeral port) with a `token` option. */
export async function startAuthApp(env: Record<string, string>): Promise<AuthTestApp> {
  const testApp = await startTestApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal', ...env });
  return {
    ...testApp,
    request: (path, init = {}) => {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return testApp.request(path, { ...rest, headers });
    },
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
