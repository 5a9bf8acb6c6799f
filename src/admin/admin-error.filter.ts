import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminHttp, AdminRequest } from './admin-http';
import { html } from './html';
import { layout } from './layout';

/**
 * Errors on console routes are pages, not JSON: no session sends the browser to the login form,
 * anything else shows its status and message (a 429 keeps its Retry-After header).
 */
@Catch()
export class AdminErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminConsole');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<AdminRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = error instanceof HttpException ? error.getStatus() : 500;
    if (status === 401 && request.method === 'GET') return this.http.redirect(reply, '/admin/login');
    if (status >= 500) this.logger.error(`admin ${request.method} ${request.url}: ${String(error)}`);
    const message =
      error instanceof HttpException ? messageOf(error) : 'internal error: see the service log for details';
    const page = layout(
      { title: `Error ${status}`, serviceName: this.settings.serviceName, error: message },
      html`<p><a href="/admin">Back to the console</a> · <a href="/admin/login">Log in</a></p>`,
    );
    this.http.send(reply, page, status);
  }
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
