import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { privateKeyFromPem, publicJwkWithKid, publicKeyFromPem } from '../src/auth/rsa-keys';

/** An access token the service accepts, signed the way the login service signs (RS256, kid). */
export async function benchAccessToken(privatePem: string, publicPem: string): Promise<string> {
  const { kid } = publicJwkWithKid(publicKeyFromPem(publicPem));
  const userId = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_type: 'access', user_id: userId, username: 'bench', roles: ['admin'] })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
    .setSubject(userId)
    .setJti(randomUUID().replace(/-/g, ''))
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKeyFromPem(privatePem));
}
