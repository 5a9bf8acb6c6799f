import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_USER_PROPERTY, RequestWithUser } from './current-user.decorator';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';
import { TOKEN_ERRORS } from './token-claims';
import { TokenService } from './token.service';

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <access token>` unless it is
 * `@Public()`; `@Roles()` then requires any one of the listed roles.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Bus handlers run under the same global guards; messages carry no bearer token.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const user = await this.tokens.verifyAccess(bearerToken(request));
    request[AUTH_USER_PROPERTY] = user;

    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets);
    if (required && !required.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException(`requires one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}

function bearerToken(request: RequestWithUser): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header === '') throw new UnauthorizedException(TOKEN_ERRORS.missing);
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw new UnauthorizedException(TOKEN_ERRORS.malformed);
  return match[1];
}
