import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Settings, SETTINGS } from '../settings/settings';

interface Window {
  count: number;
  readonly resetAt: number;
}

interface LoginRequest {
  readonly ip: string;
  readonly body?: { username?: unknown } | null;
}

interface ReplyWithHeaders {
  header(name: string, value: string): unknown;
}

// Bounded so a flood of distinct usernames or addresses cannot grow memory without limit.
const MAX_TRACKED_KEYS = 100_000;

/**
 * Fixed-window limits on the login route, per client address and per username, so neither one
 * address trying many users nor many addresses trying one user get far. Throttled attempts
 * answer 429 with Retry-After before any password is checked.
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  private readonly windows = new LRUCache<string, Window>({ max: MAX_TRACKED_KEYS });

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<LoginRequest>();
    const { perClient, perUsername, windowSeconds } = this.settings.auth.loginRateLimit;
    const username =
      typeof request.body?.username === 'string' ? request.body.username.toLowerCase().slice(0, 150) : '';
    const waits = [this.hit(`ip:${request.ip}`, perClient, windowSeconds)];
    if (username !== '') waits.push(this.hit(`user:${username}`, perUsername, windowSeconds));
    const retryAfter = Math.max(...waits);
    if (retryAfter > 0) {
      context.switchToHttp().getResponse<ReplyWithHeaders>().header('Retry-After', String(retryAfter));
      throw new HttpException(
        `too many login attempts, retry in ${retryAfter}s`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }

  /** Counts one attempt; returns 0 when allowed, else the seconds until the window resets. */
  private hit(key: string, limit: number, windowSeconds: number): number {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }
}
