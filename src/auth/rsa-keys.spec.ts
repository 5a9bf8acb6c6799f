import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { generateRsaKeyPair, publicJwkWithKid, rsaJwkThumbprint } from './rsa-keys';

describe('RSA JWK thumbprints (RFC 7638)', () => {
  it("give the RFC's own example", () => {
    // RFC 7638, section 3.1.
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(rsaJwkThumbprint({ n, e: 'AQAB' })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it("are the kids jose computes for the same keys, whatever the key's size", async () => {
    for (const bits of [2048, 3072, 4096]) {
      const { publicPem } = await generateRsaKeyPair(bits);
      const jwk = publicJwkWithKid(createPublicKey(publicPem));
      expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'sha256'));
      expect(jwk).toEqual({ kty: 'RSA', n: jwk.n, e: 'AQAB', kid: jwk.kid, use: 'sig', alg: 'RS256' });
    }
  });
});
