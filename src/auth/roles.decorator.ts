import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'auth:roles';

/**
 * Narrows a route or controller to callers whose access token has ANY of these roles;
 * others get 403. A method's `@Roles()` replaces its controller's.
 */
export const Roles = (...roles: [string, ...string[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);
