import {
  Controller,
  ForbiddenException,
  Get,
  Inject,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { LoginThrottleGuard } from '../auth/login-throttle.guard';
import { RefusedUsers } from '../auth/refused-users';
import { TokenService } from '../auth/token.service';
import { UsersService } from '../auth/users.service';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminHttp, AdminRequest, field } from './admin-http';
import { ADMIN_ROLE, AdminSessionGuard, CSRF_REFUSED } from './admin-session.guard';
import { html } from './html';
import { layout } from './layout';

/** /api/token/'s message, so the form says what the API says. */
const BAD_CREDENTIALS = 'No active account found with the given credentials';
const NOT_ADMIN = 'the console is for admin users only';

/**
 * Logging in and out. On the login service the form takes a username and password and goes
 * through the same UsersService check and the same LoginThrottleGuard (same counts) as
 * POST /api/token/. A verify-only service has no passwords: its form takes an access token
 * issued by the login service, verified like any bearer token, once; the session cookie then
 * stands in for it.
 */
@ApiExcludeController()
@Public()
@UseFilters(AdminErrorFilter)
@Controller('admin')
export class AdminLoginController {
  private readonly isLoginService: boolean;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly refused: RefusedUsers,
  ) {
    this.isLoginService = settings.jwtSignKey !== false;
  }

  @Get()
  home(@Req() request: AdminRequest, @Res() reply: FastifyReply): void {
    this.http.redirect(reply, this.http.session(request) ? '/admin/users' : '/admin/login');
  }

  @Get('login')
  form(@Req() request: AdminRequest, @Res() reply: FastifyReply): void {
    this.showForm(request, reply, 200);
  }

  @Post('login')
  @UseGuards(LoginThrottleGuard)
  async login(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!this.http.csrfValid(request)) throw new ForbiddenException(CSRF_REFUSED);
    const form = this.http.form(request);
    const user = this.isLoginService
      ? await this.users.authenticate(field(form, 'username'), field(form, 'password'))
      : await this.tokenUser(field(form, 'token'));
    if (!user) return this.showForm(request, reply, 401, BAD_CREDENTIALS);
    if (!user.roles.includes(ADMIN_ROLE)) return this.showForm(request, reply, 403, NOT_ADMIN);
    this.http.startSession(reply, { userId: user.id, username: user.username, roles: [...user.roles] });
    this.http.redirect(reply, '/admin/users');
  }

  @Post('logout')
  @UseGuards(AdminSessionGuard)
  logout(@Res() reply: FastifyReply): void {
    this.http.endSession(reply);
    this.http.redirect(reply, '/admin/login');
  }

  private async tokenUser(token: string) {
    if (token === '') return null;
    try {
      const user = await this.tokens.verifyAccess(token);
      if (this.refused.isRefused(user.userId)) return null;
      return { id: user.userId, username: user.username, roles: user.roles };
    } catch {
      return null;
    }
  }

  private showForm(request: AdminRequest, reply: FastifyReply, status: number, error?: string): void {
    const csrf = this.http.csrfField(request, reply);
    const fields = this.isLoginService
      ? html`<p>
            <label for="username">Username</label><br /><input
              id="username"
              name="username"
              autocomplete="username"
              required
            />
          </p>
          <p>
            <label for="password">Password</label><br /><input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
            />
          </p>`
      : html`<p>
            This service does not issue tokens. Paste an access token of a user with the
            <code>admin</code> role, issued by the login service (<code>POST /api/token/</code>).
          </p>
          <p>
            <label for="token">Access token</label><br /><textarea
              id="token"
              name="token"
              rows="4"
              cols="60"
              required
            ></textarea>
          </p>`;
    const page = layout(
      { title: 'Log in', serviceName: this.settings.serviceName, error },
      html`<form method="post" action="/admin/login">
        ${csrf}${fields}
        <p><button type="submit">Log in</button></p>
      </form>`,
    );
    this.http.send(reply, page, status);
  }
}
