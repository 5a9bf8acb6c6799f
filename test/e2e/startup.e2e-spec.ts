import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testKeyPair } from '../support/keys';
import { spawnService, waitForStatus } from '../support/spawn-service';
import { freePort } from '../support/ports';

// Each case spawns the service; on a loaded machine one start can take tens of seconds.
jest.setTimeout(120_000);

describe('service start-up', () => {
  it.each([
    [{ DEBUG: 'false' }, 'settings: SECRET_KEY is required when DEBUG is off'],
    [
      { DEBUG: 'false', SECRET_KEY: 'short' },
      'settings: SECRET_KEY must be at least 32 characters when DEBUG is off',
    ],
    [{ DEBUG: 'true', DATABASE_URL: 'foo://x' }, 'settings: DATABASE_URL has unsupported scheme "foo"'],
    [{ DEBUG: 'true', PORT: 'abc' }, 'settings: PORT must be a whole number'],
    [{ DEBUG: 'maybe' }, 'settings: DEBUG must be true/false/1/0'],
    [
      { DEBUG: 'true', JWKS_REFETCH_INTERVAL: '0' },
      'settings: JWKS_REFETCH_INTERVAL must be between 1s and 3600s',
    ],
  ])('refuses %j with one line naming the variable and exit code 1', async (env, line) => {
    const result = await spawnService('main.ts', env).exited();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(line);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('never echoes a secret value in the error line', async () => {
    const result = await spawnService('main.ts', { DEBUG: 'false', SECRET_KEY: 'hunter2-secret' }).exited();
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('starts with no settings in DEBUG: SQLite file in the working directory, ready, docs, a user can log in and write, then stops on SIGTERM', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'm8e-start-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = spawnService('main.ts', { DEBUG: 'true', PORT: String(port) }, [], workdir);
    try {
      await waitForStatus(`${base}/health/ready`, 200, 45000);
      expect(existsSync(join(workdir, 'db.sqlite3'))).toBe(true);
      expect((await fetch(`${base}/docs`)).status).toBe(200);
      const post = (token?: string) =>
        fetch(`${base}/api/items`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ name: 'first' }),
        });
      const anonymous = await post();
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { message: string }).message).toBe('token missing');

      // The README's first authenticated request, in the same working directory (its SQLite file and dev keys).
      const created = await spawnService(
        'cli/cli.ts',
        { DEBUG: 'true', CREATEUSER_PASSWORD: 'a-long-password' },
        ['createuser', 'admin', '--roles', 'admin'],
        workdir,
      ).exited();
      expect(created.stdout).toContain('created user admin');
      const login = await fetch(`${base}/api/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'a-long-password' }),
      });
      expect(login.status).toBe(200);
      const { access } = (await login.json()) as { access: string };
      const written = await post(access);
      expect(written.status).toBe(201);
      expect(await written.json()).toMatchObject({ name: 'first', quantity: 0 });

      service.child.kill('SIGTERM');
      const result = await service.exited(15000);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).toContain('SIGTERM received');
    } finally {
      service.child.kill('SIGKILL');
    }
  });

  it('reads local_env.ts over the environment', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'm8e-localenv-'));
    const file = join(workdir, 'local_env.ts');
    writeFileSync(file, `export default { DEBUG: false, SECRET_KEY: 'tiny' };\n`);
    const keys = testKeyPair();
    // From the sources, as `npm run start:dev` runs beside a developer's local_env.ts.
    const result = await spawnService(
      'main.ts',
      { LOCAL_ENV_FILE: file, DEBUG: 'true', JWT_SIGN_KEY: keys.privateKey, JWT_VERIFY_KEY: keys.publicKey },
      [],
      undefined,
      { source: true },
    ).exited();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SECRET_KEY must be at least 32 characters');
  });
});
