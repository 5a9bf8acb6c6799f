import { createHmac, createPrivateKey, createPublicKey, KeyObject, randomUUID, sign } from 'node:crypto';
import { generateRsaKeyPair, publicJwkWithKid } from '../../src/auth/rsa-keys';
import { TokenClaims } from '../../src/auth/token-claims';
import { loadSettings } from '../../src/settings/load-settings';
import { Settings } from '../../src/settings/settings';

export interface TestKeys {
  readonly privatePem: string;
  readonly publicPem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** RFC 7638 thumbprint, the `kid` the service derives for this key. */
  readonly kid: string;
}

/** A fresh RSA key pair per call: no key material is ever committed. */
export async function generateTestKeys(bits = 2048): Promise<TestKeys> {
  const { privatePem, publicPem } = await generateRsaKeyPair(bits);
  return testKeysOf(privatePem, publicPem);
}

/** The key objects and `kid` of a PEM pair (e.g. the run's, from testKeyPair()). */
export function testKeysOf(privatePem: string, publicPem: string): TestKeys {
  const publicKey = createPublicKey(publicPem);
  const { kid } = publicJwkWithKid(publicKey);
  return { privatePem, publicPem, privateKey: createPrivateKey(privatePem), publicKey, kid };
}

/** Settings as the service would load them from these variables (DEBUG on unless given). */
export function buildSettings(env: Record<string, string | undefined> = {}): Settings {
  return loadSettings({ env: { DEBUG: 'true', SECRET_KEY: 'x'.repeat(40), ...env }, localEnvFile: null });
}

const now = (): number => Math.floor(Date.now() / 1000);

/** Claims of a valid access token; `overrides` may set any claim to anything (or undefined). */
export function buildClaims(
  overrides: Partial<Record<keyof TokenClaims, unknown>> & Record<string, unknown> = {},
): Record<string, unknown> {
  const userId = randomUUID();
  return {
    sub: userId,
    user_id: userId,
    username: 'alice',
    roles: [],
    token_type: 'access',
    jti: randomUUID().replace(/-/g, ''),
    iat: now(),
    exp: now() + 300,
    ...overrides,
  };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface ForgeOptions {
  readonly alg?: string;
  readonly kid?: string | null;
  readonly header?: Record<string, unknown>;
}

/**
 * A compact JWS built by hand with node:crypto, so a test can produce what no JWT library
 * would: `alg: none`, HMAC keyed with the public key, a header that lies about the key.
 */
export function signRaw(
  claims: Record<string, unknown>,
  key: KeyObject | string | null,
  options: ForgeOptions = {},
): string {
  const alg = options.alg ?? 'RS256';
  const header: Record<string, unknown> = { alg, typ: 'JWT', ...options.header };
  if (options.kid !== null && options.kid !== undefined) header.kid = options.kid;
  const input = `${b64(header)}.${b64(claims)}`;
  const hash = `SHA${alg.slice(2)}`;
  let signature: Buffer;
  if (alg === 'none') signature = Buffer.alloc(0);
  else if (alg.startsWith('HS'))
    signature = createHmac(hash, key as string)
      .update(input)
      .digest();
  else if (alg.startsWith('PS')) {
    signature = sign(hash, Buffer.from(input), {
      key: key as KeyObject,
      padding: 6 /* RSA_PKCS1_PSS_PADDING */,
    });
  } else signature = sign(hash, Buffer.from(input), key as KeyObject);
  return `${input}.${signature.toString('base64url')}`;
}

/** A correctly signed RS256 token for `keys`. */
export function signValid(
  keys: TestKeys,
  overrides: Parameters<typeof buildClaims>[0] = {},
  options: ForgeOptions = {},
): string {
  return signRaw(buildClaims(overrides), keys.privateKey, { kid: keys.kid, ...options });
}

/** The same token with its payload changed and the original signature kept. */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${b64({ ...claims, ...changes })}.${signature}`;
}

/** A forged variant the verifier must refuse, the reason it must give, and how to make it. */
export interface Forgery {
  readonly name: string;
  readonly reason: string;
  build(keys: TestKeys, otherKeys: TestKeys, leewaySeconds: number): string;
}

/** Valid access-token claims of one issuer's shape, and the variants of them it must refuse. */
export interface ClaimsProfile {
  build(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Changes that make the claims a token of another type (refresh, ID), refused as the wrong type. */
  readonly otherTypes: readonly { readonly name: string; readonly changes: Record<string, unknown> }[];
  /** Changes that leave the claims unreadable as a caller, refused as malformed. */
  readonly malformed: readonly { readonly name: string; readonly changes: Record<string, unknown> }[];
  /** A claim whose change must break the signature. */
  readonly tamper: readonly [Record<string, unknown>, Record<string, unknown>];
}

/** The template's own claims (DESIGN.md "Tokens"). */
export const TEMPLATE_CLAIMS: ClaimsProfile = {
  build: (overrides = {}) => buildClaims(overrides),
  otherTypes: [{ name: 'refresh token used as access', changes: { token_type: 'refresh' } }],
  malformed: [
    { name: 'missing token_type', changes: { token_type: undefined } },
    { name: 'roles not a list', changes: { roles: 'admin' } },
    { name: 'sub differs from user_id', changes: { sub: 'someone-else' } },
  ],
  tamper: [{ roles: ['admin'] }, { username: 'root' }],
};

/** A correctly signed RS256 token with `profile`'s claims. */
export function signProfile(
  profile: ClaimsProfile,
  keys: TestKeys,
  overrides: Record<string, unknown> = {},
  options: ForgeOptions = {},
): string {
  return signRaw(profile.build(overrides), keys.privateKey, { kid: keys.kid, ...options });
}

/**
 * Every forged variant of `profile`'s tokens, known when tests are collected so each can be its
 * own test case (`it.each(forgeriesOf(…))`): one failure then never hides the rest. Tokens are
 * built when a test runs, so their times are fresh.
 */
export function forgeriesOf(profile: ClaimsProfile): Forgery[] {
  const valid = (keys: TestKeys, overrides: Record<string, unknown> = {}, options: ForgeOptions = {}) =>
    signProfile(profile, keys, overrides, options);
  const claims = () => profile.build();
  return [
    {
      name: 'alg none',
      build: (keys) => signRaw(claims(), null, { alg: 'none', kid: keys.kid }),
      reason: 'token malformed',
    },
    {
      name: 'alg none with a signature part',
      build: (keys) => `${signRaw(claims(), null, { alg: 'none', kid: keys.kid })}AAAA`,
      reason: 'algorithm not allowed',
    },
    {
      name: 'HS256 keyed with the public key PEM',
      build: (keys) => signRaw(claims(), keys.publicPem, { alg: 'HS256', kid: keys.kid }),
      reason: 'algorithm not allowed',
    },
    {
      name: 'PS256 (not in the pinned list)',
      build: (keys) => signRaw(claims(), keys.privateKey, { alg: 'PS256', kid: keys.kid }),
      reason: 'algorithm not allowed',
    },
    {
      name: 'tampered payload (roles)',
      build: (keys) => tamperPayload(valid(keys), profile.tamper[0]),
      reason: 'invalid signature',
    },
    {
      name: 'tampered payload (user)',
      build: (keys) => tamperPayload(valid(keys), profile.tamper[1]),
      reason: 'invalid signature',
    },
    {
      name: 'signature of another key, our kid',
      build: (keys, otherKeys) => valid(otherKeys, {}, { kid: keys.kid }),
      reason: 'invalid signature',
    },
    {
      name: 'another key with its own kid',
      build: (_keys, otherKeys) => valid(otherKeys),
      reason: 'unknown key id',
    },
    {
      name: 'expired beyond the leeway',
      build: (keys, _otherKeys, leewaySeconds) =>
        valid(keys, { iat: now() - 3600, exp: now() - leewaySeconds - 5 }),
      reason: 'token expired',
    },
    {
      name: 'nbf beyond the leeway',
      build: (keys, _otherKeys, leewaySeconds) => valid(keys, { nbf: now() + leewaySeconds + 60 }),
      reason: 'token not yet valid',
    },
    {
      name: 'iat in the future',
      build: (keys, _otherKeys, leewaySeconds) =>
        valid(keys, { iat: now() + leewaySeconds + 60, exp: now() + 3600 }),
      reason: 'token not yet valid',
    },
    ...profile.otherTypes.map(({ name, changes }) => ({
      name,
      build: (keys: TestKeys) => valid(keys, changes),
      reason: 'wrong token type',
    })),
    {
      name: 'missing exp',
      build: (keys) => valid(keys, { exp: undefined }),
      reason: 'token malformed',
    },
    ...profile.malformed.map(({ name, changes }) => ({
      name,
      build: (keys: TestKeys) => valid(keys, changes),
      reason: 'token malformed',
    })),
    { name: 'garbage', build: () => 'not-a-jwt', reason: 'token malformed' },
    {
      name: 'header not JSON',
      build: () => `${Buffer.from('{oops').toString('base64url')}.${b64(claims())}.AAAA`,
      reason: 'token malformed',
    },
    {
      name: 'truncated signature',
      build: (keys) => valid(keys).slice(0, -10),
      reason: 'invalid signature',
    },
    {
      name: 'oversized',
      build: (keys) => `${valid(keys)}${'A'.repeat(9000)}`,
      reason: 'token malformed',
    },
  ];
}

/** Every forged variant of the template's own tokens. */
export const FORGERIES: readonly Forgery[] = forgeriesOf(TEMPLATE_CLAIMS);

/** Every forged variant built for these keys, with the reason it must be refused with. */
export function forgedTokens(
  keys: TestKeys,
  otherKeys: TestKeys,
  leewaySeconds: number,
): { name: string; token: string; reason: string }[] {
  return FORGERIES.map((forgery) => ({
    name: forgery.name,
    reason: forgery.reason,
    token: forgery.build(keys, otherKeys, leewaySeconds),
  }));
}

interface RequestingApp {
  readonly app: { get<T>(type: abstract new (...args: never[]) => T): T };
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** An access token the running app itself issues (its TokenService, its signing key). */
export async function issueAccessToken(
  testApp: RequestingApp,
  roles: string[] = [],
  username = 'tester',
): Promise<string> {
  const { TokenService } = await import('../../src/auth/token.service');
  const issued = await testApp.app.get(TokenService).issue({ id: randomUUID(), username, roles }, 'access');
  return issued.token;
}

/** The same app, with `Authorization: Bearer <token>` on every request unless one is given. */
export function withBearer<T extends RequestingApp>(testApp: T, token: string): T {
  return {
    ...testApp,
    request: (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      return testApp.request(path, { ...init, headers });
    },
  };
}
