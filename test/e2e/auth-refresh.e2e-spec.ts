import jwt from 'jsonwebtoken';
import { DataSource, IsNull, Not } from 'typeorm';
import { RefreshToken } from '../../src/auth/refresh-token.entity';
import { RefreshTokenFamily } from '../../src/auth/refresh-token-family.entity';
import { User } from '../../src/auth/user.entity';
import { generateTestKeys, TestKeys } from '../factories/token.factory';
import { testDatabases } from '../support/database';
import { AuthTestApp, createUser, login, loginServiceEnv, startAuthApp } from './auth-support';

type Pair = { access: string; refresh: string };

async function refresh(
  app: AuthTestApp,
  token: string,
): Promise<{ status: number; body: Pair & { message?: string } }> {
  const response = await app.request('/api/token/refresh/', { method: 'POST', json: { refresh: token } });
  return { status: response.status, body: (await response.json()) as Pair & { message?: string } };
}

describe.each(testDatabases())('auth: refresh rotation and reuse detection on $name', (testDatabase) => {
  let keys: TestKeys;
  let databaseUrl: string;
  let app: AuthTestApp | null = null;

  const restart = async () => {
    await app?.close();
    app = await startAuthApp(loginServiceEnv(keys, databaseUrl));
    return app;
  };

  beforeAll(async () => {
    keys = await generateTestKeys();
    databaseUrl = testDatabase.url();
    await restart();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('rotates: each use returns a new pair, and the used token is spent', async () => {
    const user = await createUser(app!);
    const first = await login(app!, user.username, user.password);
    const second = await refresh(app!, first.refresh);
    expect(second.status).toBe(200);
    expect(second.body.refresh).not.toBe(first.refresh);
    expect((jwt.decode(second.body.access) as jwt.JwtPayload).token_type).toBe('access');
    expect((await app!.request('/api/me', { token: second.body.access })).status).toBe(200);
    const verifySpent = await app!.request('/api/token/verify/', {
      method: 'POST',
      json: { token: first.refresh },
    });
    expect(verifySpent.status).toBe(401);
    const third = await refresh(app!, second.body.refresh);
    expect(third.status).toBe(200);
  });

  it('a reused refresh token revokes its whole family, and the revocation survives a restart', async () => {
    const user = await createUser(app!);
    const stolen = await login(app!, user.username, user.password);
    const other = await login(app!, user.username, user.password); // a second device: another family
    const owner = await refresh(app!, stolen.refresh);
    expect(owner.status).toBe(200);

    const replay = await refresh(app!, stolen.refresh);
    expect(replay).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'token revoked' },
    });
    // The owner's newer token was issued from the stolen one: it goes too.
    expect((await refresh(app!, owner.body.refresh)).body.message).toBe('token revoked');

    await restart();
    expect((await refresh(app!, owner.body.refresh)).body.message).toBe('token revoked');
    expect((await refresh(app!, stolen.refresh)).body.message).toBe('token revoked');
    // The other family was not involved and still works after the restart.
    expect((await refresh(app!, other.refresh)).status).toBe(200);
  });

  it('two concurrent uses of one refresh token: exactly one wins, and the family ends revoked', async () => {
    const user = await createUser(app!);
    const pair = await login(app!, user.username, user.password);
    const results = await Promise.all([
      refresh(app!, pair.refresh),
      refresh(app!, pair.refresh),
      refresh(app!, pair.refresh),
    ]);
    const winners = results.filter((result) => result.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => result.status === 401).map((result) => result.body.message)).toEqual([
      'token revoked',
      'token revoked',
    ]);
    expect((await refresh(app!, winners[0].body.refresh)).body.message).toBe('token revoked');
  });

  it('a revoked family stays revoked after its older rows are purged', async () => {
    const user = await createUser(app!);
    const stolen = await login(app!, user.username, user.password);
    const owner = await refresh(app!, stolen.refresh);
    expect((await refresh(app!, stolen.refresh)).status).toBe(401); // reuse: the family is revoked
    const tokens = app!.app.get(DataSource).getRepository(RefreshToken);
    // What a revocation racing a rotation could leave: the newest row not marked itself, while
    // every older (revoked) row of the family has expired and is purged by the next login.
    const newest = (await tokens.findOneByOrFail({ userId: user.id, usedAt: IsNull() })).jti;
    await tokens.update({ jti: newest }, { revokedAt: null });
    await tokens.update({ userId: user.id, jti: Not(newest) }, { expiresAt: new Date(Date.now() - 1000) });
    await login(app!, user.username, user.password);
    expect(
      await tokens.countBy({
        jti: Not(newest),
        familyId: (await tokens.findOneByOrFail({ jti: newest })).familyId,
      }),
    ).toBe(0);

    expect((await refresh(app!, owner.body.refresh)).body.message).toBe('token revoked');
    const verified = await app!.request('/api/token/verify/', {
      method: 'POST',
      json: { token: owner.body.refresh },
    });
    expect(verified.status).toBe(401);
  });

  it("keeps a family's record until its newest token expires, then lets the next login purge it", async () => {
    const user = await createUser(app!);
    const first = await login(app!, user.username, user.password);
    await refresh(app!, first.refresh);
    const families = app!.app.get(DataSource).getRepository(RefreshTokenFamily);
    const tokens = app!.app.get(DataSource).getRepository(RefreshToken);
    const [family] = await families.findBy({ userId: user.id });
    const newestExpiry = Math.max(
      ...(await tokens.findBy({ familyId: family.familyId })).map((t) => t.expiresAt.getTime()),
    );
    expect(Math.abs(family.expiresAt.getTime() - newestExpiry)).toBeLessThan(1000);

    await tokens.update({ familyId: family.familyId }, { expiresAt: new Date(Date.now() - 1000) });
    await login(app!, user.username, user.password);
    expect(await families.countBy({ familyId: family.familyId })).toBe(1); // its own expiry is still ahead
    await families.update({ familyId: family.familyId }, { expiresAt: new Date(Date.now() - 1000) });
    await login(app!, user.username, user.password);
    expect(await families.countBy({ familyId: family.familyId })).toBe(0);
  });

  it('refuses an access token on the refresh endpoint and a refresh token as an access token', async () => {
    const user = await createUser(app!);
    const pair = await login(app!, user.username, user.password);
    expect((await refresh(app!, pair.access)).body.message).toBe('wrong token type');
    const asAccess = await app!.request('/api/me', { token: pair.refresh });
    expect(((await asAccess.json()) as { message: string }).message).toBe('wrong token type');
  });

  it('a deactivated user cannot refresh', async () => {
    const user = await createUser(app!);
    const pair = await login(app!, user.username, user.password);
    await app!.app.get(DataSource).getRepository(User).update({ id: user.id }, { isActive: false });
    expect((await refresh(app!, pair.refresh)).body.message).toBe('token revoked');
  });

  it("a new login removes the user's expired refresh rows and keeps the live ones", async () => {
    const user = await createUser(app!);
    const live = await login(app!, user.username, user.password);
    const tokens = app!.app.get(DataSource).getRepository(RefreshToken);
    await tokens.update({ userId: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    const fresh = await login(app!, user.username, user.password);
    expect(await tokens.countBy({ userId: user.id })).toBe(1);
    expect((await refresh(app!, fresh.refresh)).status).toBe(200);
    expect((await refresh(app!, live.refresh)).body.message).toBe('token revoked');
  });
});
