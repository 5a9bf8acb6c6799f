import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthUser } from './token-claims';

/** The request property the guard stores the verified caller in. */
export const AUTH_USER_PROPERTY = 'authUser';

export type RequestWithUser = {
  [AUTH_USER_PROPERTY]?: AuthUser;
  headers: Record<string, string | string[] | undefined>;
};

/**
 * The verified caller (`userId`, `username`, `roles`) of a route the guard let through.
 * Undefined on a `@Public()` route.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | undefined =>
    context.switchToHttp().getRequest<RequestWithUser>()[AUTH_USER_PROPERTY],
);
