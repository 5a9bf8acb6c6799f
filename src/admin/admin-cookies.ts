import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Where the console's cookies live: nothing outside /admin ever sends them. */
export const ADMIN_PATH = '/admin';
export const SESSION_COOKIE = 'admin_session';
export const CSRF_COOKIE = 'admin_csrf';
/** The hidden field every console form carries. */
export const CSRF_FIELD = '_csrf';

/** Who is logged in to the console; signed into the session cookie. */
export interface AdminSession {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly string[];
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** The cookies of one request, by name (the first of a repeated name wins, as in browsers). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const name = part.slice(0, equals).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(equals + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. */
  readonly maxAgeSeconds: number;
  /** Secure is left off only in DEBUG, where the console is reached over plain http. */
  readonly secure: boolean;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page or form sends it: the
 * console is opened by typing or bookmarking its address, never from another site's link).
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${value}`,
    `Path=${ADMIN_PATH}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The session cookie holds the session itself, signed with SECRET_KEY (HMAC-SHA256): no session
 * table, the same on every replica, and a SECRET_KEY rotation logs everyone out.
 */
export class SessionSigner {
  constructor(private readonly secretKey: string) {}

  sign(session: AdminSession): string {
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${payload}.${this.mac('session', payload)}`;
  }

  /** The session when the signature holds and it has not expired, else null. */
  verify(cookie: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): AdminSession | null {
    if (!cookie) return null;
    const dot = cookie.indexOf('.');
    if (dot <= 0) return null;
    const payload = cookie.slice(0, dot);
    if (!sameText(cookie.slice(dot + 1), this.mac('session', payload))) return null;
    try {
      const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AdminSession;
      return typeof session.expiresAt === 'number' && session.expiresAt > nowSeconds ? session : null;
    } catch {
      return null;
    }
  }

  /** A fresh random value for the CSRF cookie. */
  newCsrfSecret(): string {
    return randomBytes(24).toString('base64url');
  }

  /**
   * Signed double submit: a form's hidden token is an HMAC of the CSRF cookie. Another site
   * can neither read the cookie nor compute the HMAC, so it cannot fill in the field.
   */
  csrfToken(csrfCookie: string): string {
    return this.mac('csrf', csrfCookie);
  }

  csrfMatches(csrfCookie: string | undefined, token: unknown): boolean {
    return Boolean(csrfCookie) && typeof token === 'string' && sameText(token, this.csrfToken(csrfCookie!));
  }

  private mac(purpose: string, value: string): string {
    return createHmac('sha256', this.secretKey).update(`admin-${purpose}\n${value}`).digest('base64url');
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
