import { JwtService } from '@nestjs/jwt';
import jwt from 'jsonwebtoken';
import { publicJwkWithKid } from './rsa-keys';
import {
  buildSettings,
  FORGERIES,
  generateTestKeys,
  signValid,
  TestKeys,
} from '../../test/factories/token.factory';
import { JwtKeysService } from './jwt-keys.service';
import { TokenService } from './token.service';

describe(TokenService.name, () => {
  let keys: TestKeys;
  let otherKeys: TestKeys;
  let tokens: TokenService;
  let keysService: JwtKeysService;
  const subject = { id: '6f1c2a9e-0000-4000-8000-000000000001', username: 'alice', roles: ['admin'] };

  beforeAll(async () => {
    [keys, otherKeys] = await Promise.all([generateTestKeys(), generateTestKeys()]);
    const settings = buildSettings({
      JWT_SIGN_KEY: keys.privatePem,
      JWT_VERIFY_KEY: keys.publicPem,
      JWT_LEEWAY: '30',
    });
    keysService = new JwtKeysService(settings);
    await keysService.onModuleInit();
    tokens = new TokenService(settings, keysService, new JwtService());
  });

  it('issues RS256 tokens with the RFC 7638 kid and the documented claims', async () => {
    const { token, jti } = await tokens.issue(subject, 'access');
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: keys.kid });
    const payload = decoded.payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      sub: subject.id,
      user_id: subject.id,
      username: 'alice',
      roles: ['admin'],
      token_type: 'access',
      jti,
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
  });

  it('gives refresh tokens the refresh lifetime', async () => {
    const { token } = await tokens.issue(subject, 'refresh');
    const payload = jwt.decode(token) as Record<string, number>;
    expect(payload.exp - payload.iat).toBe(86400);
  });

  it('verifies its own access token into the caller', async () => {
    const { token } = await tokens.issue(subject, 'access');
    await expect(tokens.verifyAccess(token)).resolves.toEqual({
      userId: subject.id,
      username: 'alice',
      roles: ['admin'],
    });
  });

  it('accepts RS512', async () => {
    await expect(tokens.verifyAccess(signValid(keys, {}, { alg: 'RS512' }))).resolves.toMatchObject({
      username: 'alice',
    });
  });

  it('accepts a token without kid while exactly one key is trusted (Django-issued tokens)', async () => {
    await expect(tokens.verifyAccess(signValid(keys, {}, { kid: null }))).resolves.toMatchObject({
      username: 'alice',
    });
  });

  it('accepts a token expired by less than the leeway and refuses one expired by more', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(
      tokens.verifyAccess(signValid(keys, { iat: now - 600, exp: now - 25 })),
    ).resolves.toBeDefined();
    await expect(tokens.verifyAccess(signValid(keys, { iat: now - 600, exp: now - 35 }))).rejects.toThrow(
      'token expired',
    );
  });

  it('accepts nbf within the leeway', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(tokens.verifyAccess(signValid(keys, { nbf: now + 25 }))).resolves.toBeDefined();
  });

  it.each(FORGERIES)('refuses a forged token ($name) with "$reason"', async (forgery) => {
    const token = forgery.build(keys, otherKeys, 30);
    await expect(tokens.verifyAccess(token).then(() => 'accepted')).rejects.toThrow(forgery.reason);
  });

  it('caches a verified token, and only a verified one', async () => {
    const { token } = await tokens.issue(subject, 'access');
    const keyFor = jest.spyOn(keysService, 'keyFor');
    await tokens.verifyAccess(token);
    await tokens.verifyAccess(token);
    expect(keyFor).toHaveBeenCalledTimes(1);
    const bad = signValid(otherKeys, {}, { kid: keys.kid });
    await expect(tokens.verifyAccess(bad)).rejects.toThrow('invalid signature');
    await expect(tokens.verifyAccess(bad)).rejects.toThrow('invalid signature');
    expect(keyFor).toHaveBeenCalledTimes(3);
    keyFor.mockRestore();
  });

  it('never answers from the cache for a token that only shares a cached signature', async () => {
    const { token } = await tokens.issue({ ...subject, roles: ['viewer'] }, 'access');
    await tokens.verifyAccess(token);
    // The cached token's signature on a payload that claims more: same cache key, other token.
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const elevated = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    const pasted = `${header}.${elevated}.${signature}`;
    expect(tokens.cachedAccess(pasted)).toBeUndefined();
    await expect(tokens.verifyAccess(pasted)).rejects.toThrow('invalid signature');
    // The genuine token keeps its entry.
    expect(tokens.cachedAccess(token)).toMatchObject({ roles: ['viewer'] });
  });

  it('does not cache a token that is only valid thanks to the leeway', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signValid(keys, { iat: now - 600, exp: now - 5 });
    const keyFor = jest.spyOn(keysService, 'keyFor');
    await tokens.verifyAccess(token);
    await tokens.verifyAccess(token);
    expect(keyFor).toHaveBeenCalledTimes(2);
    keyFor.mockRestore();
  });

  it('verifies a refresh token only when asked for one', async () => {
    const { token } = await tokens.issue(subject, 'refresh');
    await expect(tokens.verify(token, 'refresh')).resolves.toMatchObject({ token_type: 'refresh' });
    await expect(tokens.verifyAccess(token)).rejects.toThrow('wrong token type');
  });

  it('refuses to sign on a verify-only service', async () => {
    const settings = buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: keys.publicPem });
    const verifyOnlyKeys = new JwtKeysService(settings);
    await verifyOnlyKeys.onModuleInit();
    const verifyOnly = new TokenService(settings, verifyOnlyKeys, new JwtService());
    await expect(verifyOnly.issue(subject, 'access')).rejects.toThrow('verify-only');
    await expect(
      verifyOnly.verifyAccess(await tokens.issue(subject, 'access').then((t) => t.token)),
    ).resolves.toBeDefined();
  });

  describe('with a JWKS URL', () => {
    const url = 'https://login.example.test/.well-known/jwks.json';
    let offsetMs = 0;
    const realNow = Date.now.bind(Date);
    beforeEach(() => {
      offsetMs = 0;
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
    });
    afterEach(() => jest.restoreAllMocks());

    it('forgets cached tokens of a key that left the JWKS, and refuses them from then on', async () => {
      let served = [keys, otherKeys];
      const fetchJson = async () => ({
        keys: served.map((k) => publicJwkWithKid(k.publicKey)),
      });
      const settings = buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: url, JWKS_REFETCH_INTERVAL: '1' });
      const remoteKeys = new JwtKeysService(settings, fetchJson);
      await remoteKeys.onModuleInit();
      const verifier = new TokenService(settings, remoteKeys, new JwtService());
      const leaving = signValid(otherKeys);
      const staying = signValid(keys);
      await verifier.verifyAccess(leaving);
      await verifier.verifyAccess(staying);
      expect(verifier.cachedAccess(leaving)).toBeDefined();

      served = [keys]; // the login service rotated otherKeys out
      offsetMs += 1001;
      // Any refetch notices; here a token naming an unknown kid causes one.
      await expect(verifier.verifyAccess(signValid(keys, {}, { kid: 'unknown-kid' }))).rejects.toThrow(
        'unknown key id',
      );

      expect(verifier.cachedAccess(leaving)).toBeUndefined();
      await expect(verifier.verifyAccess(leaving)).rejects.toThrow('unknown key id');
      expect(verifier.cachedAccess(staying)).toBeDefined();
    });
  });
});
