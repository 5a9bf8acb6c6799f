import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Settings, SETTINGS } from '../settings/settings';
import {
  AdminSession,
  CSRF_COOKIE,
  CSRF_FIELD,
  parseCookies,
  serializeCookie,
  SESSION_COOKIE,
  SessionSigner,
} from './admin-cookies';
import { html, SafeHtml } from './html';

/** A console request after AdminSessionGuard let it through. */
export interface AdminRequest extends FastifyRequest {
  adminSession?: AdminSession;
}

/** One form's fields; a repeated field keeps its last value except where read as a list. */
export type FormFields = Record<string, string | string[] | undefined>;

/** Cookies, CSRF fields, forms and HTML answers of the console, in one place. */
@Injectable()
export class AdminHttp {
  readonly signer: SessionSigner;
  private readonly secureCookies: boolean;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.signer = new SessionSigner(settings.secretKey);
    this.secureCookies = !settings.debug;
  }

  cookie(request: FastifyRequest, name: string): string | undefined {
    return parseCookies(request.headers.cookie).get(name);
  }

  /** The hidden CSRF field for this browser, setting its CSRF cookie on the first page it sees. */
  csrfField(request: FastifyRequest, reply: FastifyReply): SafeHtml {
    let secret = this.cookie(request, CSRF_COOKIE);
    if (!secret) {
      secret = this.signer.newCsrfSecret();
      void reply.header(
        'set-cookie',
        serializeCookie(CSRF_COOKIE, secret, {
          maxAgeSeconds: this.settings.admin.sessionTtlSeconds,
          secure: this.secureCookies,
        }),
      );
    }
    return html`<input type="hidden" name="${CSRF_FIELD}" value="${this.signer.csrfToken(secret)}" />`;
  }

  csrfValid(request: FastifyRequest): boolean {
    return this.signer.csrfMatches(this.cookie(request, CSRF_COOKIE), this.form(request)[CSRF_FIELD]);
  }

  /** The urlencoded body of a form post (an empty object for anything else). */
  form(request: FastifyRequest): FormFields {
    const body = request.body;
    return typeof body === 'object' && body !== null ? (body as FormFields) : {};
  }

  session(request: FastifyRequest): AdminSession | null {
    return this.signer.verify(this.cookie(request, SESSION_COOKIE));
  }

  startSession(reply: FastifyReply, user: Omit<AdminSession, 'expiresAt'>): void {
    const ttl = this.settings.admin.sessionTtlSeconds;
    const session: AdminSession = { ...user, expiresAt: Math.floor(Date.now() / 1000) + ttl };
    void reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, this.signer.sign(session), {
        maxAgeSeconds: ttl,
        secure: this.secureCookies,
      }),
    );
  }

  endSession(reply: FastifyReply): void {
    void reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: this.secureCookies }),
    );
  }

  /** Console pages are never cached: they show live data and carry CSRF tokens. */
  send(reply: FastifyReply, page: SafeHtml, status = 200): void {
    void reply
      .status(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(page.value);
  }

  /** After a form post: 303 so a reload does not post again. */
  redirect(reply: FastifyReply, location: string): void {
    void reply.status(303).header('cache-control', 'no-store').header('location', location).send();
  }
}

/** A text field of a form, trimmed; '' when missing. */
export function field(form: FormFields, name: string): string {
  const value = form[name];
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  return (text ?? '').trim();
}

/** Every value of a repeated field (checkboxes). */
export function fieldList(form: FormFields, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((text) => text.trim()).filter((text) => text !== '');
}
