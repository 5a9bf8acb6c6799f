import { generateKeyPairSync } from 'node:crypto';

export interface PemKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

let cached: PemKeyPair | undefined;

/** An RSA key pair made at run time (no key is ever committed); one per test file. */
export function testKeyPair(): PemKeyPair {
  cached ??= generateRsaKeyPair();
  return cached;
}

export function generateRsaKeyPair(): PemKeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}
