import {
  Controller,
  Get,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { User } from '../auth/user.entity';
import { UsersService } from '../auth/users.service';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminFeatures } from './admin-features';
import { AdminHttp, AdminRequest, field } from './admin-http';
import { offsetOf, PAGE_SIZE, searchOf, sendPage } from './admin-page';
import { AdminSessionGuard } from './admin-session.guard';
import { html, SafeHtml } from './html';
import { withNotice } from './layout';
import { pager, searchForm } from './widgets';

const PATH = '/admin/users';

/**
 * Users of the login service, through UsersService (so every change is published to the other
 * services by data sync). A verify-only service only holds a replica of them: it lists that,
 * read-only.
 */
@ApiExcludeController()
@Public()
@UseGuards(AdminSessionGuard)
@UseFilters(AdminErrorFilter)
@Controller('admin/users')
export class AdminUsersController {
  private readonly isLoginService: boolean;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
    private readonly users: UsersService,
    private readonly features: AdminFeatures,
  ) {
    this.isLoginService = settings.jwtSignKey !== false;
  }

  @Get()
  async list(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const search = searchOf(request);
    const offset = offsetOf(request);
    if (!this.isLoginService) {
      const replica = await this.features.syncedUsers.list({ search, limit: PAGE_SIZE, offset });
      // prettier-ignore
      return this.page(request, reply, () => html`<p>Users are mastered by the login service and replicated here (read-only): create, deactivate them and change their roles in the login service's console.</p>
        ${searchForm(PATH, search, 'Search users by username')}
        <table><caption>${replica.count} users (replica)</caption>
          <thead><tr><th scope="col">Username</th><th scope="col">Active</th><th scope="col">Roles</th><th scope="col">Joined</th></tr></thead>
          <tbody>${replica.users.map((user) => html`<tr><td>${user.username}</td><td>${user.isActive ? 'yes' : 'no'}</td><td>${user.roles.join(', ')}</td><td>${user.dateJoined?.toISOString() ?? ''}</td></tr>`)}</tbody></table>
        ${pager(PATH, search, offset, replica.count)}`);
    }
    const { count, users } = await this.users.list({ search, limit: PAGE_SIZE, offset });
    return this.page(
      request,
      reply,
      (csrf) =>
        html` ${searchForm(PATH, search, 'Search users by username')}
          <table>
            <caption>
              ${count} users
            </caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Active</th>
                <th scope="col">Roles</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              ${users.map((user) => userRow(user, csrf))}
            </tbody>
          </table>
          ${pager(PATH, search, offset, count)}
          <h2 id="create">Create a user</h2>
          <form method="post" action="${PATH}">
            ${csrf} <label for="new-username">Username</label>
            <input id="new-username" name="username" required autocomplete="off" />
            <label for="new-password">Password (8 characters or more)</label>
            <input
              id="new-password"
              name="password"
              type="password"
              minlength="8"
              required
              autocomplete="new-password"
            />
            <label for="new-roles">Roles (comma separated)</label>
            <input id="new-roles" name="roles" autocomplete="off" /> <button type="submit">Create</button>
          </form>`,
    );
  }

  @Post()
  async create(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = this.http.form(request);
    const username = field(form, 'username');
    try {
      await this.users.create({
        username,
        password: field(form, 'password'),
        roles: rolesOf(field(form, 'roles')),
      });
    } catch (error) {
      return this.page(request, reply, () => html`<p><a href="${PATH}">Back to the users</a></p>`, {
        error: `user not created: ${(error as Error).message}`,
        status: 400,
      });
    }
    this.http.redirect(reply, withNotice(PATH, `created user ${username}`));
  }

  @Post(':id/active')
  async setActive(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: AdminRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const active = field(this.http.form(request), 'active') === 'true';
    const user = await this.users.setActive(id, active);
    const notice = user ? `${active ? 'reactivated' : 'deactivated'} user ${user.username}` : 'no such user';
    this.http.redirect(reply, withNotice(PATH, notice));
  }

  @Post(':id/roles')
  async setRoles(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: AdminRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    let notice: string;
    try {
      const user = await this.users.setRoles(id, rolesOf(field(this.http.form(request), 'roles')));
      notice = user ? `roles of ${user.username}: ${user.roles.join(', ') || 'none'}` : 'no such user';
    } catch (error) {
      notice = `roles not changed: ${(error as Error).message}`;
    }
    this.http.redirect(reply, withNotice(PATH, notice));
  }

  private page(
    request: AdminRequest,
    reply: FastifyReply,
    content: (csrf: SafeHtml) => SafeHtml,
    extra: { error?: string; status?: number } = {},
  ): void {
    sendPage(
      this.http,
      request,
      reply,
      { title: 'Users', current: PATH, serviceName: this.settings.serviceName, ...extra },
      content,
    );
  }
}

function rolesOf(text: string): string[] {
  return text
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
}

function userRow(user: User, csrf: SafeHtml): SafeHtml {
  const rolesId = `roles-${user.id}`;
  return html`<tr>
    <td>${user.username}</td>
    <td>${user.isActive ? 'yes' : 'no'}</td>
    <td>
      <form method="post" action="${PATH}/${user.id}/roles">
        ${csrf}
        <label for="${rolesId}" class="visually-hidden">Roles of ${user.username}</label>
        <input id="${rolesId}" name="roles" value="${user.roles.join(', ')}" size="20" />
        <button type="submit">Save roles</button>
      </form>
    </td>
    <td>${user.createdAt.toISOString()}</td>
    <td>
      <form method="post" action="${PATH}/${user.id}/active">
        ${csrf}
        <input type="hidden" name="active" value="${String(!user.isActive)}" />
        <button type="submit" aria-label="${user.isActive ? 'Deactivate' : 'Reactivate'} ${user.username}">
          ${user.isActive ? 'Deactivate' : 'Reactivate'}
        </button>
      </form>
    </td>
  </tr>`;
}
