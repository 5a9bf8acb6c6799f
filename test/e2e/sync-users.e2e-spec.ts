import { UsersService } from '../../src/auth/users.service';
import { SyncedUser } from '../../src/users/synced-user.entity';
import { createUser, login, sqliteUrl, startAuthApp, AuthTestApp } from './auth-support';
import { BrokerJanitor, requireBroker, sleep, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { testKeyPair } from '../support/keys';
import { dataSourceOf, trackSyncQueues } from '../support/sync-testbed';

jest.setTimeout(90_000);

const describeBroker = requireBroker() ? describe : describe.skip;

/** Polls `GET /api/me` until it answers `status`; returns the milliseconds it took. */
async function timeUntilStatus(
  app: AuthTestApp,
  token: string,
  status: number,
  timeoutMs = 10_000,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await app.request('/api/me', { token })).status === status) return Date.now() - started;
    await sleep(5);
  }
  throw new Error(`GET /api/me did not answer ${status} within ${timeoutMs} ms`);
}

/**
 * The login service masters `user`; a verify-only service replicates it and refuses the tokens of
 * a user deactivated or deleted on the login service, from memory (no database read per request).
 */
describeBroker('data sync: users from the login service to a verify-only service', () => {
  const janitor = new BrokerJanitor();
  const verifyQueue = uniqueName('verify-only');
  const verifyDatabase = sqliteUrl();
  let loginService: AuthTestApp;
  let verifyOnly: AuthTestApp;

  const verifyEnv = {
    DATABASE_URL: verifyDatabase,
    AMQP_URL: TEST_AMQP_URL,
    SERVICE_NAME: verifyQueue,
    JWT_SIGN_KEY: '0',
    JWT_VERIFY_KEY: testKeyPair().publicKey,
  };

  beforeAll(async () => {
    trackSyncQueues(janitor, verifyQueue, ['user']);
    loginService = await startAuthApp({
      DATABASE_URL: sqliteUrl(),
      AMQP_URL: TEST_AMQP_URL,
      SERVICE_NAME: uniqueName('login'),
    });
    verifyOnly = await startAuthApp(verifyEnv);
  });
  afterAll(async () => {
    await verifyOnly?.close();
    await loginService?.close();
    await janitor.cleanup();
  });

  const replicated = (app: AuthTestApp) => dataSourceOf(app).getRepository(SyncedUser);

  it('replicates users read-only, without the password hash', async () => {
    const user = await createUser(loginService, { roles: ['items:write'] });
    await waitFor(
      'the replica',
      async () => (await replicated(verifyOnly).findOneBy({ id: user.id })) !== null,
    );
    const copy = await replicated(verifyOnly).findOneByOrFail({ id: user.id });
    expect(copy).toMatchObject({
      username: user.username,
      isActive: true,
      roles: ['items:write'],
      cqrsRevision: 0,
    });
    expect(Object.keys(copy)).not.toContain('passwordHash');
  });

  it('refuses a deactivated user’s cached token on the verify-only service right after the change arrives', async () => {
    const user = await createUser(loginService);
    const { access } = await login(loginService, user.username, user.password);
    await waitFor(
      'the replica',
      async () => (await replicated(verifyOnly).findOneBy({ id: user.id })) !== null,
    );
    expect((await verifyOnly.request('/api/me', { token: access })).status).toBe(200); // now cached

    await loginService.app.get(UsersService).setActive(user.id, false);
    const elapsed = await timeUntilStatus(verifyOnly, access, 401);
    process.stdout.write(`  deactivation → 401 on the verify-only service: ${elapsed} ms\n`);
    const refused = await verifyOnly.request('/api/me', { token: access });
    expect(await refused.json()).toMatchObject({ statusCode: 401, message: 'token revoked' });
    // The login service refuses it too, and the refresh token is dead.
    expect((await loginService.request('/api/me', { token: access })).status).toBe(401);

    await loginService.app.get(UsersService).setActive(user.id, true);
    await timeUntilStatus(verifyOnly, access, 200);
  });

  it('refuses a deleted user’s token, and still after a restart of the verify-only service', async () => {
    const user = await createUser(loginService);
    const { access } = await login(loginService, user.username, user.password);
    await waitFor(
      'the replica',
      async () => (await replicated(verifyOnly).findOneBy({ id: user.id })) !== null,
    );
    expect((await verifyOnly.request('/api/me', { token: access })).status).toBe(200);

    expect(await loginService.app.get(UsersService).remove(user.id)).toBe(true);
    const elapsed = await timeUntilStatus(verifyOnly, access, 401);
    process.stdout.write(`  deletion → 401 on the verify-only service: ${elapsed} ms\n`);
    expect(await replicated(verifyOnly).findOneBy({ id: user.id })).toBeNull();

    await verifyOnly.close();
    verifyOnly = await startAuthApp(verifyEnv);
    expect((await verifyOnly.request('/api/me', { token: access })).status).toBe(401);
  });
});
