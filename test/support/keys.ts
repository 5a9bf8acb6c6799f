import { generateKeyPairSync } from 'node:crypto';

export interface PemKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** Where the e2e global setup leaves the run's key pair (JSON), for every test file of the run. */
export const TEST_KEY_PAIR_VARIABLE = 'TEST_RSA_KEY_PAIR';

let cached: PemKeyPair | undefined;

/**
 * An RSA key pair made at run time (no key is ever committed): the run's, made once by the e2e
 * global setup (a 2048-bit pair takes 0.1 to 1 s to find), else one per test file.
 */
export function testKeyPair(): PemKeyPair {
  const shared = process.env[TEST_KEY_PAIR_VARIABLE];
  cached ??= shared ? (JSON.parse(shared) as PemKeyPair) : generateRsaKeyPair();
  return cached;
}

export function generateRsaKeyPair(): PemKeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}
