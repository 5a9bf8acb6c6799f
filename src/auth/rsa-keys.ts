import { createHash, createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MIN_RSA_BITS = 2048;
export const PRIVATE_KEY_FILE = 'private.pem';
export const PUBLIC_KEY_FILE = 'public.pem';

export interface PemKeyPair {
  /** PKCS#8, `-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm RSA` writes it. */
  readonly privatePem: string;
  /** SPKI, `-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes it. */
  readonly publicPem: string;
}

export function generateRsaKeyPair(bits = MIN_RSA_BITS): Promise<PemKeyPair> {
  return new Promise((resolvePromise, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: bits,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, publicPem, privatePem) => (error ? reject(error) : resolvePromise({ privatePem, publicPem })),
    );
  });
}

/**
 * Writes private.pem (mode 0600) and public.pem into `dir`. Without `overwrite` an existing
 * file is an error (`EEXIST`), which also keeps two processes from replacing each other's keys.
 */
export async function writeKeyPair(dir: string, pair: PemKeyPair, overwrite: boolean): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const flag = overwrite ? 'w' : 'wx';
  await writeFile(join(dir, PRIVATE_KEY_FILE), pair.privatePem, { mode: 0o600, flag });
  // `mode` only applies to a new file; a replaced one keeps its old permissions otherwise.
  await chmod(join(dir, PRIVATE_KEY_FILE), 0o600);
  await writeFile(join(dir, PUBLIC_KEY_FILE), pair.publicPem, { mode: 0o644, flag });
}

/** Development keys: created on first use, then reused so tokens survive a restart. */
export async function loadOrCreateDevKeyPair(dir: string): Promise<PemKeyPair> {
  try {
    return await readKeyPair(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await writeKeyPair(dir, await generateRsaKeyPair(), false);
  } catch (error) {
    // Another process (a second dev server, a test worker) wrote them first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeyPair(dir);
}

async function readKeyPair(dir: string): Promise<PemKeyPair> {
  const [privatePem, publicPem] = await Promise.all([
    readFile(join(dir, PRIVATE_KEY_FILE), 'utf8'),
    readFile(join(dir, PUBLIC_KEY_FILE), 'utf8'),
  ]);
  return { privatePem, publicPem };
}

/** Splits a value that may hold several PEM blocks (an old and a new key during rotation). */
export function splitPemBlocks(value: string): string[] {
  return value.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}

/** Throws unless `key` is RSA with a modulus of at least MIN_RSA_BITS. */
export function assertStrongRsaKey(key: KeyObject): void {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new Error(`must be an RSA key of at least ${MIN_RSA_BITS} bits`);
  }
}

export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  assertStrongRsaKey(key);
  return key;
}

export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  assertStrongRsaKey(key);
  return key;
}

/** An RSA public key as the JWKS publishes it (RFC 7517). */
export interface RsaPublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  use: 'sig';
  alg: 'RS256';
}

/** The public JWK of an RSA key, with `kid` = its RFC 7638 thumbprint. */
export function publicJwkWithKid(publicKey: KeyObject): RsaPublicJwk {
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', n, e, kid: rsaJwkThumbprint({ n, e }), use: 'sig', alg: 'RS256' };
}

/**
 * The RFC 7638 thumbprint of an RSA public key: SHA-256 of its required members (e, kty, n, in
 * that order, no whitespace), base64url. The same as jose's calculateJwkThumbprint, which
 * rsa-keys.spec checks; this one hash was the only thing the service loaded jose for, ~30 ms of
 * every start-up.
 */
export function rsaJwkThumbprint({ n, e }: { n: string; e: string }): string {
  return createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}
