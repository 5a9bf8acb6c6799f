import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSettings, generateTestKeys, TestKeys } from '../../test/factories/token.factory';
import { Settings } from '../settings/settings';
import { JwtKeysService } from './jwt-keys.service';
import { generateRsaKeyPair, publicJwkWithKid } from './rsa-keys';

async function started(
  settings: Settings,
  fetchJson?: (url: string) => Promise<unknown>,
): Promise<JwtKeysService> {
  const service = new JwtKeysService(settings, fetchJson);
  await service.onModuleInit();
  return service;
}

describe(JwtKeysService.name, () => {
  let keys: TestKeys;
  let next: TestKeys;
  let dir: string;

  beforeAll(async () => {
    [keys, next] = await Promise.all([generateTestKeys(), generateTestKeys()]);
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-keys-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('signs with JWT_SIGN_KEY under its thumbprint kid and publishes only public parts', async () => {
    const service = await started(
      buildSettings({ JWT_SIGN_KEY: keys.privatePem, JWT_VERIFY_KEY: keys.publicPem }),
    );
    expect(service.canSign).toBe(true);
    expect(service.signingKey.kid).toBe(keys.kid);
    const { keys: published } = service.publicJwks();
    expect(published).toHaveLength(1);
    expect(Object.keys(published[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('is verify-only with JWT_SIGN_KEY=0', async () => {
    const service = await started(buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: keys.publicPem }));
    expect(service.canSign).toBe(false);
    expect(() => service.signingKey).toThrow('verify-only');
    expect(await service.keyFor(keys.kid)).not.toBeNull();
    expect(await service.keyFor(next.kid)).toBeNull();
  });

  it('trusts every PEM block in JWT_VERIFY_KEY, for rotation', async () => {
    const service = await started(
      buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: `${keys.publicPem}\n${next.publicPem}` }),
    );
    expect(await service.keyFor(keys.kid)).not.toBeNull();
    expect(await service.keyFor(next.kid)).not.toBeNull();
    // Two trusted keys: a token without kid cannot say which one it means.
    expect(await service.keyFor(undefined)).toBeNull();
  });

  it('reads PKCS#1 keys (openssl genrsa, -RSAPublicKey_out) as the same key id', async () => {
    const service = await started(
      buildSettings({
        JWT_SIGN_KEY: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        JWT_VERIFY_KEY: keys.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      }),
    );
    expect(service.signingKey.kid).toBe(keys.kid);
    expect(service.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([keys.kid]);
  });

  it('refuses an RSA key shorter than 2048 bits, naming the variable', async () => {
    const weak = await generateRsaKeyPair(1024);
    await expect(
      started(buildSettings({ JWT_SIGN_KEY: weak.privatePem, JWT_VERIFY_KEY: weak.publicPem })),
    ).rejects.toThrow('JWT_SIGN_KEY must be an RSA key of at least 2048 bits');
  });

  it('generates development keys once in DEBUG and reuses them', async () => {
    const settings = buildSettings({ JWT_DEV_KEYS_DIR: dir });
    const first = await started(settings);
    const second = await started(settings);
    expect(second.signingKey.kid).toBe(first.signingKey.kid);
    expect((await stat(join(dir, 'private.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'private.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('in DEBUG, trusts only the configured signing key when JWT_VERIFY_KEY is unset (no dev keys)', async () => {
    const service = await started(buildSettings({ JWT_SIGN_KEY: keys.privatePem, JWT_DEV_KEYS_DIR: dir }));
    expect(service.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([keys.kid]);
    await expect(stat(join(dir, 'private.pem'))).rejects.toThrow('ENOENT');
  });

  it('in DEBUG, a verify-only service trusts the development public key', async () => {
    const login = await started(buildSettings({ JWT_DEV_KEYS_DIR: dir }));
    const verifyOnly = await started(buildSettings({ JWT_SIGN_KEY: '0', JWT_DEV_KEYS_DIR: dir }));
    expect(await verifyOnly.keyFor(login.signingKey.kid)).not.toBeNull();
  });

  it('refuses development keys when DEBUG is off', async () => {
    const settings = { ...buildSettings({ JWT_DEV_KEYS_DIR: dir }), debug: false };
    await expect(started(settings)).rejects.toThrow('JWT_SIGN_KEY is required when DEBUG is off');
  });

  describe('with a JWKS URL', () => {
    const url = 'https://login.example.test/.well-known/jwks.json';
    // The clock is what the refetch limit reads; moving it is cheaper than waiting a second.
    let offsetMs = 0;
    const realNow = Date.now.bind(Date);
    const later = (ms: number) => (offsetMs += ms);
    beforeEach(() => {
      offsetMs = 0;
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
    });
    afterEach(() => jest.restoreAllMocks());

    it('fetches at start, and again (rate limited) for an unknown kid', async () => {
      let served = [keys];
      const fetches: string[] = [];
      const fetchJson = async (requested: string) => {
        fetches.push(requested);
        return { keys: served.map((k) => publicJwkWithKid(k.publicKey)) };
      };
      const service = await started(
        buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: url, JWKS_REFETCH_INTERVAL: '1' }),
        fetchJson,
      );
      expect(fetches).toEqual([url]);
      expect(await service.keyFor(keys.kid)).not.toBeNull();
      served = [keys, next];
      later(1001);
      expect(await service.keyFor(next.kid)).not.toBeNull();
      expect(fetches).toHaveLength(2);
    });

    it('does not fetch again for every unknown kid within the interval', async () => {
      let count = 0;
      const fetchJson = async () => {
        count += 1;
        return { keys: [publicJwkWithKid(keys.publicKey)] };
      };
      const service = await started(
        buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: url, JWKS_REFETCH_INTERVAL: '60' }),
        fetchJson,
      );
      for (const kid of ['a', 'b', 'c']) expect(await service.keyFor(kid)).toBeNull();
      expect(count).toBe(1);
    });

    it('keeps its keys when a later fetch fails, and ignores non-signing and weak keys', async () => {
      let fail = false;
      const weak = await generateRsaKeyPair(1024);
      const { createPublicKey } = await import('node:crypto');
      const fetchJson = async () => {
        if (fail) throw new Error('connection refused');
        return {
          keys: [
            publicJwkWithKid(keys.publicKey),
            { ...publicJwkWithKid(next.publicKey), use: 'enc' },
            { ...publicJwkWithKid(createPublicKey(weak.publicPem)), kid: 'weak' },
            { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
          ],
        };
      };
      const service = await started(
        buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: url, JWKS_REFETCH_INTERVAL: '1' }),
        fetchJson,
      );
      fail = true;
      later(1001);
      expect(await service.keyFor('unknown')).toBeNull();
      expect(await service.keyFor(keys.kid)).not.toBeNull();
      for (const kid of [next.kid, 'weak', 'hmac']) expect(await service.keyFor(kid)).toBeNull();
    });
  });
});
