import { parseCookies, serializeCookie, SessionSigner } from './admin-cookies';

const session = { userId: 'u1', username: 'ops', roles: ['admin'], expiresAt: 2_000 };

describe(SessionSigner.name, () => {
  const signer = new SessionSigner('a-secret-key-of-at-least-32-characters!!');

  it('reads back the session it signed, until it expires', () => {
    const cookie = signer.sign(session);
    expect(signer.verify(cookie, 1_999)).toEqual(session);
    expect(signer.verify(cookie, 2_000)).toBeNull();
  });

  it('refuses a changed payload, a cookie signed with another key, and junk', () => {
    const cookie = signer.sign(session);
    const [, mac] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ ...session, roles: ['admin', 'root'] })).toString(
      'base64url',
    );
    expect(signer.verify(`${forged}.${mac}`, 1)).toBeNull();
    expect(new SessionSigner('another-secret-key-of-32-characters!!!!!').verify(cookie, 1)).toBeNull();
    for (const junk of [undefined, '', '.', 'abc', `${cookie}x`]) expect(signer.verify(junk, 1)).toBeNull();
  });

  it('accepts the CSRF token of its own cookie only', () => {
    const secret = signer.newCsrfSecret();
    const token = signer.csrfToken(secret);
    expect(signer.csrfMatches(secret, token)).toBe(true);
    expect(signer.csrfMatches(signer.newCsrfSecret(), token)).toBe(false);
    expect(signer.csrfMatches(undefined, token)).toBe(false);
    expect(signer.csrfMatches(secret, undefined)).toBe(false);
    expect(signer.csrfMatches(secret, [token])).toBe(false);
  });
});

describe('cookies', () => {
  it('parses a Cookie header and writes HttpOnly SameSite=Strict cookies under /admin', () => {
    expect(parseCookies('a=1; b = 2;c=x=y; a=3')).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
        ['c', 'x=y'],
      ]),
    );
    expect(serializeCookie('s', 'v', { maxAgeSeconds: 60, secure: true })).toBe(
      's=v; Path=/admin; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    );
    expect(serializeCookie('s', '', { maxAgeSeconds: 0, secure: false })).not.toContain('Secure');
  });
});
