import { ExecutionContext, HttpException } from '@nestjs/common';
import { buildSettings } from '../../test/factories/token.factory';
import { LoginThrottleGuard } from './login-throttle.guard';

function attempt(guard: LoginThrottleGuard, ip: string, username: unknown) {
  const headers: Record<string, string> = {};
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({ ip, body: { username } }),
      getResponse: () => ({ header: (name: string, value: string) => (headers[name] = value) }),
    }),
  } as unknown as ExecutionContext;
  try {
    return { allowed: guard.canActivate(context), headers };
  } catch (error) {
    return {
      allowed: false,
      status: (error as HttpException).getStatus(),
      message: (error as Error).message,
      headers,
    };
  }
}

describe(LoginThrottleGuard.name, () => {
  let guard: LoginThrottleGuard;

  beforeEach(() => {
    // The clock is the one thing mocked here: windows are a minute long.
    jest.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
    guard = new LoginThrottleGuard(
      buildSettings({ LOGIN_RATE_LIMIT_IP: '5', LOGIN_RATE_LIMIT_USERNAME: '2', LOGIN_RATE_WINDOW: '60' }),
    );
  });
  afterEach(() => jest.useRealTimers());

  it('allows the limit per username, then answers 429 with Retry-After until the window ends', () => {
    expect(attempt(guard, '10.0.0.1', 'alice').allowed).toBe(true);
    expect(attempt(guard, '10.0.0.2', 'Alice').allowed).toBe(true);
    jest.advanceTimersByTime(20_000);
    const refused = attempt(guard, '10.0.0.3', 'alice');
    expect(refused).toMatchObject({
      allowed: false,
      status: 429,
      message: 'too many login attempts, retry in 40s',
    });
    expect(refused.headers['Retry-After']).toBe('40');
    jest.advanceTimersByTime(40_000);
    expect(attempt(guard, '10.0.0.3', 'alice').allowed).toBe(true);
  });

  it('limits a client across usernames', () => {
    for (let i = 0; i < 5; i++) expect(attempt(guard, '10.0.0.9', `user${i}`).allowed).toBe(true);
    expect(attempt(guard, '10.0.0.9', 'user5')).toMatchObject({ allowed: false, status: 429 });
    expect(attempt(guard, '10.0.0.10', 'user5').allowed).toBe(true);
  });

  it('counts a request without a usable username against the client only', () => {
    for (const username of [undefined, 42, ''])
      expect(attempt(guard, '10.0.0.20', username).allowed).toBe(true);
  });
});
