import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Memory used is 128 · N · r bytes. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * OWASP's scrypt row "N=2^15, r=8, p=3": 32 MiB per hash, so a pod can run a few logins at
 * once without an out-of-memory kill. Raise it here; old hashes keep their own parameters.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };

const PREFIX = 'scrypt';
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function deriveKey(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolvePromise, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolvePromise(key),
    );
  });
}

interface DecodedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** `scrypt$N$r$p$salt$hash` (base64url parts): the parameters travel with each hash. */
function decode(encoded: string): DecodedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return null;
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || hash.length < 16) return null;
  return { params: { N, r, p }, salt, hash };
}

/**
 * Hashes and checks passwords with scrypt. Injected (not a set of functions) so tests can
 * count derivations: every login path, including unknown and inactive users, runs exactly one.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.derive(password, salt, this.params, KEY_LENGTH);
    const { N, r, p } = this.params;
    return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** True when `password` matches `encoded`. A malformed hash never matches. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const decoded = decode(encoded);
    if (!decoded) {
      // Still derive once, so a corrupt row does not answer faster than a real one.
      await this.verify(password, await this.getDummyHash());
      return false;
    }
    const key = await this.derive(password, decoded.salt, decoded.params, decoded.hash.length);
    return timingSafeEqual(key, decoded.hash);
  }

  /**
   * Spends the same work as `verify` for a user that does not exist or may not log in, so
   * response time does not tell an attacker which usernames are real.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(password, await this.getDummyHash());
    return false;
  }

  /** True when the hash was made with weaker parameters than the current ones. */
  needsRehash(encoded: string): boolean {
    const decoded = decode(encoded);
    if (!decoded) return true;
    const { N, r, p } = decoded.params;
    return N < this.params.N || r < this.params.r || p < this.params.p;
  }

  /** The one place the KDF runs; a subclass in the tests counts calls here. */
  protected derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
    return deriveKey(password, salt, params, keyLength);
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(24).toString('base64url'));
    return this.dummyHash;
  }
}
