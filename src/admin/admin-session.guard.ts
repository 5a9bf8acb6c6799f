import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { RefusedUsers } from '../auth/refused-users';
import { UsersService } from '../auth/users.service';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminHttp, AdminRequest } from './admin-http';

/** The role a user needs to use the console. */
export const ADMIN_ROLE = 'admin';
export const CSRF_REFUSED = 'the form is missing its CSRF token or it does not match: reload the page';

/**
 * Every console page except the login form: a valid session cookie of a user who is still
 * active and still has the `admin` role, and on every form post a matching CSRF token.
 * On the login service the user is read again on each request (the console's traffic is small),
 * so a deactivation or a removed role takes effect at once; a verify-only service relies on
 * data sync's refused users.
 */
@Injectable()
export class AdminSessionGuard implements CanActivate {
  private readonly isLoginService: boolean;

  constructor(
    @Inject(SETTINGS) settings: Settings,
    private readonly http: AdminHttp,
    private readonly users: UsersService,
    private readonly refused: RefusedUsers,
  ) {
    this.isLoginService = settings.jwtSignKey !== false;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    let session = this.http.session(request);
    if (!session || this.refused.isRefused(session.userId)) throw new UnauthorizedException('log in first');
    if (this.isLoginService) {
      const user = await this.users.findActive(session.userId);
      if (!user) throw new UnauthorizedException('log in first');
      session = { ...session, username: user.username, roles: user.roles };
    }
    if (!session.roles.includes(ADMIN_ROLE))
      throw new ForbiddenException('the console is for admin users only');
    if (request.method !== 'GET' && request.method !== 'HEAD' && !this.http.csrfValid(request)) {
      throw new ForbiddenException(CSRF_REFUSED);
    }
    request.adminSession = session;
    return true;
  }
}
