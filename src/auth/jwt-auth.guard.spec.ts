import { JwtService } from '@nestjs/jwt';
import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { buildSettings, generateTestKeys, signValid, TestKeys } from '../../test/factories/token.factory';
import { AUTH_USER_PROPERTY, RequestWithUser } from './current-user.decorator';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtKeysService } from './jwt-keys.service';
import { Public } from '../platform/public.decorator';
import { Roles } from './roles.decorator';
import { RefusedUsers } from './refused-users';
import { TokenService } from './token.service';

@Roles('admin')
class ExampleController {
  open(): void {}
  @Roles('items:write', 'editor')
  write(): void {}
  adminOnly(): void {}
}
Public()(
  ExampleController.prototype,
  'open',
  Object.getOwnPropertyDescriptor(ExampleController.prototype, 'open')!,
);

/** The context Nest itself builds for a guard (its type set by the transport that ran it). */
function context(
  handler: keyof ExampleController,
  request: RequestWithUser,
  type = 'http',
): ExecutionContext {
  const host = new ExecutionContextHost(
    [request, {}],
    ExampleController,
    ExampleController.prototype[handler],
  );
  host.setType(type);
  return host;
}

const request = (authorization?: string): RequestWithUser => ({ headers: { authorization } });

describe(JwtAuthGuard.name, () => {
  let keys: TestKeys;
  let guard: JwtAuthGuard;
  let refused: RefusedUsers;

  beforeAll(async () => {
    keys = await generateTestKeys();
    const settings = buildSettings({ JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: keys.publicPem });
    const keysService = new JwtKeysService(settings);
    await keysService.onModuleInit();
    const tokens = new TokenService(settings, keysService, new JwtService());
    refused = new RefusedUsers(tokens);
    guard = new JwtAuthGuard(new Reflector(), tokens, refused);
  });

  it('lets rpc contexts (bus handlers) through without a token', () => {
    expect(guard.canActivate(context('adminOnly', request(), 'rpc'))).toBe(true);
  });

  it.each(['ws', 'graphql', 'kafka-like-unknown'])('refuses a %j context instead of failing open', (type) => {
    expect(() => guard.canActivate(context('adminOnly', request(), type))).toThrow(
      new ForbiddenException(`no authentication for ${type} contexts`),
    );
    // Even a @Public() handler: the decorator speaks for HTTP routes only.
    expect(() => guard.canActivate(context('open', request(), type))).toThrow(ForbiddenException);
  });

  it('lets a @Public() route through without a token', () => {
    expect(guard.canActivate(context('open', request()))).toBe(true);
  });

  it.each([
    [undefined, 'token missing'],
    ['', 'token missing'],
    ['Basic YWxpY2U6cHc=', 'token malformed'],
    ['Bearer ', 'token malformed'],
    ['Bearer a b', 'token malformed'],
  ])('refuses Authorization %j with 401 %s', (header, reason) => {
    expect(() => guard.canActivate(context('adminOnly', request(header)))).toThrow(
      new UnauthorizedException(reason),
    );
  });

  it('puts the caller on the request, and answers a cached token synchronously', async () => {
    const token = signValid(keys, { roles: ['admin'] });
    const first = request(`Bearer ${token}`);
    await expect(guard.canActivate(context('adminOnly', first))).resolves.toBe(true);
    expect(first[AUTH_USER_PROPERTY]).toMatchObject({ username: 'alice', roles: ['admin'] });
    const second = request(`bearer ${token}`);
    expect(guard.canActivate(context('adminOnly', second))).toBe(true);
    expect(second[AUTH_USER_PROPERTY]).toEqual(first[AUTH_USER_PROPERTY]);
  });

  it("requires any one of the route's roles; a method's @Roles() replaces its controller's", async () => {
    const editor = `Bearer ${signValid(keys, { roles: ['editor'] })}`;
    await expect(guard.canActivate(context('write', request(editor)))).resolves.toBe(true);
    await expect(
      Promise.resolve().then(() => guard.canActivate(context('adminOnly', request(editor)))),
    ).rejects.toThrow(new ForbiddenException('requires one of the roles: admin'));
    const admin = `Bearer ${signValid(keys, { roles: ['admin'] })}`;
    await expect(
      Promise.resolve().then(() => guard.canActivate(context('write', request(admin)))),
    ).rejects.toBeInstanceOf(ForbiddenException);
  });

  it('rejects with the verifier’s reason for a bad token', async () => {
    const expired = signValid(keys, { iat: 1000, exp: 2000 });
    await expect(guard.canActivate(context('adminOnly', request(`Bearer ${expired}`)))).rejects.toThrow(
      'token expired',
    );
  });

  it('refuses every token of a refused user at once, the cached one too, until readmitted', async () => {
    const userId = '6a1b2c3d-0000-4000-8000-000000000001';
    const token = `Bearer ${signValid(keys, { sub: userId, user_id: userId, roles: ['admin'] })}`;
    await expect(guard.canActivate(context('adminOnly', request(token)))).resolves.toBe(true);
    expect(guard.canActivate(context('adminOnly', request(token)))).toBe(true); // cached
    refused.refuse(userId);
    await expect(
      Promise.resolve().then(() => guard.canActivate(context('adminOnly', request(token)))),
    ).rejects.toThrow(new UnauthorizedException('token revoked'));
    const fresh = `Bearer ${signValid(keys, { sub: userId, user_id: userId, roles: ['admin'] })}`;
    await expect(
      Promise.resolve().then(() => guard.canActivate(context('adminOnly', request(fresh)))),
    ).rejects.toThrow('token revoked');
    refused.readmit(userId);
    expect(await Promise.resolve(guard.canActivate(context('adminOnly', request(token))))).toBe(true);
  });
});
