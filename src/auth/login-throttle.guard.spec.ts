import { ExecutionContext, HttpException } from '@nestjs/common';
import { buildSettings } from '../../test/factories/token.factory';
import { LoginAttemptsStore, MemoryLoginAttemptsStore } from './login-attempts.store';
import { LoginThrottleGuard } from './login-throttle.guard';

async function attempt(guard: LoginThrottleGuard, ip: string, username: unknown) {
  const headers: Record<string, string> = {};
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({ ip, body: { username } }),
      getResponse: () => ({ header: (name: string, value: string) => (headers[name] = value) }),
    }),
  } as unknown as ExecutionContext;
  try {
    return { allowed: await guard.canActivate(context), headers };
  } catch (error) {
    return {
      allowed: false,
      status: (error as HttpException).getStatus(),
      message: (error as Error).message,
      headers,
    };
  }
}

const LIMITS = {
  LOGIN_RATE_LIMIT_IP: '5',
  LOGIN_RATE_LIMIT_IP_USERNAME: '2',
  LOGIN_RATE_LIMIT_USERNAME: '4',
  LOGIN_RATE_WINDOW: '60',
};

describe(LoginThrottleGuard.name, () => {
  let store: MemoryLoginAttemptsStore;
  let guard: LoginThrottleGuard;

  beforeEach(() => {
    // The clock is the one thing mocked here: windows are a minute long.
    jest.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
    store = new MemoryLoginAttemptsStore();
    guard = new LoginThrottleGuard(buildSettings(LIMITS), store);
  });
  afterEach(() => jest.useRealTimers());

  it('allows a client the strict limit per username, then 429 with Retry-After until the window ends', async () => {
    expect((await attempt(guard, '10.0.0.1', 'alice')).allowed).toBe(true);
    expect((await attempt(guard, '10.0.0.1', 'Alice')).allowed).toBe(true);
    jest.advanceTimersByTime(20_000);
    const refused = await attempt(guard, '10.0.0.1', 'alice');
    expect(refused).toMatchObject({
      allowed: false,
      status: 429,
      message: 'too many login attempts, retry in 40s',
    });
    expect(refused.headers['Retry-After']).toBe('40');
    jest.advanceTimersByTime(40_000);
    expect((await attempt(guard, '10.0.0.1', 'alice')).allowed).toBe(true);
  });

  it('one address cannot lock a user out: others still log in as that user', async () => {
    for (let i = 0; i < 10; i++) await attempt(guard, '10.0.0.66', 'alice');
    expect((await attempt(guard, '10.0.0.66', 'alice')).status).toBe(429);
    expect((await attempt(guard, '10.0.0.2', 'alice')).allowed).toBe(true);
  });

  it('caps one username across all addresses with the looser ceiling', async () => {
    for (let i = 1; i <= 4; i++) expect((await attempt(guard, `10.0.1.${i}`, 'bob')).allowed).toBe(true);
    expect((await attempt(guard, '10.0.1.9', 'bob')).status).toBe(429);
    expect((await attempt(guard, '10.0.1.9', 'carol')).allowed).toBe(true);
  });

  it('limits a client across usernames, and counts an IPv6 /64 as one client', async () => {
    for (let i = 0; i < 5; i++)
      expect((await attempt(guard, `2001:db8:1:2::${i + 1}`, `user${i}`)).allowed).toBe(true);
    expect(await attempt(guard, '2001:db8:1:2:ffff::1', 'user5')).toMatchObject({
      allowed: false,
      status: 429,
    });
    expect((await attempt(guard, '2001:db8:1:3::1', 'user5')).allowed).toBe(true);
  });

  it('stops at the first limit exceeded: a blocked client adds no username entries', async () => {
    for (let i = 0; i < 5; i++) await attempt(guard, '10.0.0.9', `user${i}`);
    const before = { pair: store.size('client-username'), user: store.size('username') };
    for (let i = 0; i < 50; i++) expect((await attempt(guard, '10.0.0.9', `junk${i}`)).status).toBe(429);
    expect({ pair: store.size('client-username'), user: store.size('username') }).toEqual(before);
  });

  it('a flood of junk usernames from a blocked client cannot evict the windows of a locked user', async () => {
    for (let i = 1; i <= 4; i++) await attempt(guard, `10.0.2.${i}`, 'dave');
    expect((await attempt(guard, '10.0.2.5', 'dave')).status).toBe(429);
    // More distinct usernames than any store keeps (100 000), from one address past its limit.
    for (let i = 0; i < 100_010; i++) await attempt(guard, '10.0.3.1', `junk${i}`);
    expect((await attempt(guard, '10.0.2.6', 'dave')).status).toBe(429);
    expect((await attempt(guard, '10.0.3.1', 'dave')).status).toBe(429);
  });

  it('counts a request without a usable username against the client only', async () => {
    for (const username of [undefined, 42, ''])
      expect((await attempt(guard, '10.0.0.20', username)).allowed).toBe(true);
    expect(store.size('username')).toBe(0);
  });

  it('refuses a key known to be over its limit without asking the store again until its window ends', async () => {
    const hit = jest.spyOn(store, 'hit');
    for (let i = 0; i < 3; i++) await attempt(guard, '10.0.0.30', 'erin');
    for (let i = 0; i < 5; i++) expect((await attempt(guard, '10.0.0.30', 'erin')).status).toBe(429);
    // By now the client is over its limit too: both are answered from memory.
    const asked = hit.mock.calls.length;
    for (let i = 0; i < 20; i++) expect((await attempt(guard, '10.0.0.30', 'erin')).status).toBe(429);
    expect(hit.mock.calls.length).toBe(asked);
    jest.advanceTimersByTime(60_000);
    expect((await attempt(guard, '10.0.0.30', 'erin')).allowed).toBe(true);
  });

  it('answers 503, not 200, when the store fails', async () => {
    const broken: LoginAttemptsStore = { hit: () => Promise.reject(new Error('connection refused')) };
    const failing = new LoginThrottleGuard(buildSettings(LIMITS), broken);
    expect(await attempt(failing, '10.0.0.1', 'alice')).toMatchObject({ allowed: false, status: 503 });
  });
});
