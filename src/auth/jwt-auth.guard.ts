import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_USER_PROPERTY, RequestWithUser } from './current-user.decorator';
import { IS_PUBLIC_KEY } from '../platform/public.decorator';
import { ROLES_KEY } from './roles.decorator';
import { AuthUser, TOKEN_ERRORS } from './token-claims';
import { RefusedUsers } from './refused-users';
import { TokenService } from './token.service';

interface RouteRules {
  readonly controller: unknown;
  readonly isPublic: boolean;
  readonly roles: readonly string[] | undefined;
}

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <access token>` unless it is
 * `@Public()`; `@Roles()` then requires any one of the listed roles.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  // Decorator metadata never changes after start-up; reading it once per route keeps
  // reflect-metadata's prototype walks off the per-request path.
  private readonly rules = new WeakMap<object, RouteRules>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly refused: RefusedUsers,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const type = context.getType<string>();
    // Bus handlers run under the same global guards; messages carry no bearer token. Any other
    // transport (ws, graphql, one added later) must bring its own check, so it is refused here
    // rather than let through unauthenticated.
    if (type === 'rpc') return true;
    if (type !== 'http') throw new ForbiddenException(`no authentication for ${type} contexts`);
    const rules = this.rulesFor(context);
    if (rules.isPublic) return true;

    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(request);
    // A cached token is answered synchronously: no promise on the hot path.
    const cached = this.tokens.cachedAccess(token);
    if (cached) return this.admit(request, cached, rules.roles);
    return this.tokens.verifyAccess(token).then((user) => this.admit(request, user, rules.roles));
  }

  /** A deactivated or deleted user is refused from memory: no database read per request. */
  private admit(request: RequestWithUser, user: AuthUser, roles: readonly string[] | undefined): true {
    if (this.refused.isRefused(user.userId)) throw new UnauthorizedException(TOKEN_ERRORS.revoked);
    return admit(request, user, roles);
  }

  private rulesFor(context: ExecutionContext): RouteRules {
    const handler = context.getHandler();
    const controller = context.getClass();
    const known = this.rules.get(handler);
    if (known?.controller === controller) return known;
    const targets = [handler, controller];
    const rules: RouteRules = {
      controller,
      isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true,
      roles: this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets),
    };
    this.rules.set(handler, rules);
    return rules;
  }
}

function admit(request: RequestWithUser, user: AuthUser, roles: readonly string[] | undefined): true {
  request[AUTH_USER_PROPERTY] = user;
  if (roles && !roles.some((role) => user.roles.includes(role))) {
    throw new ForbiddenException(`requires one of the roles: ${roles.join(', ')}`);
  }
  return true;
}

const BEARER = 'bearer ';

function bearerToken(request: RequestWithUser): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header === '') throw new UnauthorizedException(TOKEN_ERRORS.missing);
  if (header.length <= BEARER.length || header.slice(0, BEARER.length).toLowerCase() !== BEARER) {
    throw new UnauthorizedException(TOKEN_ERRORS.malformed);
  }
  const token = header.slice(BEARER.length).trim();
  if (token === '' || token.includes(' ')) throw new UnauthorizedException(TOKEN_ERRORS.malformed);
  return token;
}
