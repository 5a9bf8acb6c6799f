import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestKeys, tamperPayload, TestKeys } from '../factories/token.factory';
import { RunningService, spawnService, waitForStatus } from '../support/spawn-service';
import { freePort } from '../support/ports';

const PRODUCTION = {
  DEBUG: 'false',
  SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  LOG_LEVEL: 'warn',
};

/** The "done when" scenario with real processes, as an operator would run them. */
describe('auth: a login service and a verify-only service as separate processes', () => {
  let keys: TestKeys;
  const running: RunningService[] = [];
  let loginUrl: string;
  let verifyUrl: string;

  beforeAll(async () => {
    keys = await generateTestKeys();
    const [loginPort, verifyPort] = [await freePort(), await freePort()];
    const loginEnv = {
      ...PRODUCTION,
      PORT: String(loginPort),
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'auth-login-')), 'db.sqlite3')}`,
      MIGRATE_ON_START: 'true',
      JWT_SIGN_KEY: keys.privatePem,
      JWT_VERIFY_KEY: keys.publicPem,
    };
    running.push(spawnService('main.ts', loginEnv));
    running.push(
      spawnService('main.ts', {
        ...PRODUCTION,
        PORT: String(verifyPort),
        DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'auth-verify-')), 'db.sqlite3')}`,
        MIGRATE_ON_START: 'true',
        JWT_SIGN_KEY: '0',
        JWT_VERIFY_KEY: keys.publicPem,
      }),
    );
    loginUrl = `http://127.0.0.1:${loginPort}`;
    verifyUrl = `http://127.0.0.1:${verifyPort}`;
    await Promise.all([
      waitForStatus(`${loginUrl}/health/ready`, 200, 45000),
      waitForStatus(`${verifyUrl}/health/ready`, 200, 45000),
    ]);
    const created = await spawnService(
      'cli/cli.ts',
      { ...loginEnv, CREATEUSER_PASSWORD: 'a-long-password' },
      ['createuser', 'alice', '--roles', 'admin'],
    ).exited();
    expect(created.stdout).toContain('created user alice');
  });
  afterAll(async () => {
    for (const service of running) service.child.kill('SIGTERM');
    await Promise.all(running.map((service) => service.exited(15000)));
  });

  it('a token from the login service opens the verify-only service; a forged one does not', async () => {
    const loggedIn = await fetch(`${loginUrl}/api/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'a-long-password' }),
    });
    expect(loggedIn.status).toBe(200);
    const { access } = (await loggedIn.json()) as { access: string };

    const me = await fetch(`${verifyUrl}/api/me`, { headers: { authorization: `Bearer ${access}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'alice', roles: ['admin'] });

    const forged = await fetch(`${verifyUrl}/api/me`, {
      headers: { authorization: `Bearer ${tamperPayload(access, { username: 'mallory' })}` },
    });
    expect(forged.status).toBe(401);
  });

  it('the verify-only service has no token routes', async () => {
    for (const path of ['/api/token/', '/api/token/refresh/', '/api/token/verify/']) {
      const response = await fetch(`${verifyUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(404);
    }
    expect((await fetch(`${verifyUrl}/.well-known/jwks.json`)).status).toBe(404);
  });
});

describe('auth: keys at start-up', () => {
  it('DEBUG with no keys generates development keys once into .dev-keys/', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'auth-devkeys-'));
    const port = await freePort();
    const service = spawnService(
      'main.ts',
      { DEBUG: 'true', PORT: String(port), LOG_LEVEL: 'warn' },
      [],
      workdir,
    );
    try {
      await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, 45000);
      expect(existsSync(join(workdir, '.dev-keys', 'public.pem'))).toBe(true);
      expect(statSync(join(workdir, '.dev-keys', 'private.pem')).mode & 0o777).toBe(0o600);
      const jwks = (await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()) as {
        keys: unknown[];
      };
      expect(jwks.keys).toHaveLength(1);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited(15000);
    }
  });

  it.each([
    [{ JWT_VERIFY_KEY: 'x' }, 'settings: JWT_VERIFY_KEY must be a PEM public key'],
    [{}, 'settings: JWT_VERIFY_KEY is required when DEBUG is off'],
  ])('DEBUG off refuses to start without real keys (%j)', async (env, line) => {
    const result = await spawnService('main.ts', { ...PRODUCTION, ...env }).exited();
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(line)]);
  });

  it('DEBUG off refuses a weak key with one line naming the variable', async () => {
    const { generateRsaKeyPair } = await import('../../src/auth/rsa-keys');
    const weak = await generateRsaKeyPair(1024);
    const result = await spawnService('main.ts', {
      ...PRODUCTION,
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'auth-weak-')), 'db.sqlite3')}`,
      JWT_SIGN_KEY: weak.privatePem,
      JWT_VERIFY_KEY: weak.publicPem,
    }).exited();
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('JWT_SIGN_KEY must be an RSA key of at least 2048 bits'),
    ]);
    expect(result.stderr).not.toContain('BEGIN');
  });
});
