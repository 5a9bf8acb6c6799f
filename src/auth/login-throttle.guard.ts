import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Settings, SETTINGS } from '../settings/settings';
import { clientKeyOf } from './client-address';
import { LOGIN_ATTEMPTS_STORE, LoginAttemptsStore, LoginLimitKind } from './login-attempts.store';

interface LoginRequest {
  readonly ip: string;
  readonly body?: { username?: unknown } | null;
}

interface ReplyWithHeaders {
  header(name: string, value: string): unknown;
}

// Keys seen over a limit in this process; bounded like the memory store's kinds.
const MAX_LOCAL_BLOCKS = 100_000;

interface Limit {
  readonly kind: LoginLimitKind;
  readonly key: string;
  readonly max: number;
}

/**
 * Fixed-window limits on the login route, checked in order and stopping at the first one
 * exceeded: per client address (an IPv6 /64), per client and username (strict), per username
 * from all addresses (a looser ceiling, so one address cannot lock a user out, while many
 * addresses guessing one password still get nowhere). A client over its limit adds no
 * username entries. Refused attempts answer 429 with Retry-After before any password is checked.
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  private readonly logger = new Logger(LoginThrottleGuard.name);
  /**
   * A key over its limit stays over it until its window ends, on every replica; remembering that
   * here answers a flood of refused attempts without a database round trip each. Made at the
   * first block: lru-cache allocates its arrays for `max` entries up front (2.7 MiB for 100,000),
   * memory that a service no one is refused from never uses.
   */
  private blockedUntil: LRUCache<string, number> | null = null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(LOGIN_ATTEMPTS_STORE) private readonly store: LoginAttemptsStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LoginRequest>();
    const { perClient, perClientUsername, perUsername, windowSeconds } = this.settings.auth.loginRateLimit;
    const client = clientKeyOf(request.ip);
    const username =
      typeof request.body?.username === 'string' ? request.body.username.toLowerCase().slice(0, 150) : '';
    const limits: Limit[] = [{ kind: 'client', key: client, max: perClient }];
    if (username !== '') {
      limits.push(
        { kind: 'client-username', key: `${client}\n${username}`, max: perClientUsername },
        { kind: 'username', key: username, max: perUsername },
      );
    }
    for (const limit of limits) {
      const blockKey = `${limit.kind}\n${limit.key}`;
      const knownBlock = this.blockedUntil?.get(blockKey);
      if (knownBlock !== undefined && knownBlock > Date.now()) this.refuse(context, knownBlock);
      const window = await this.count(limit, windowSeconds * 1000);
      if (window.count <= limit.max) continue;
      this.blockedUntil ??= new LRUCache<string, number>({ max: MAX_LOCAL_BLOCKS });
      this.blockedUntil.set(blockKey, window.resetAtMs);
      this.refuse(context, window.resetAtMs);
    }
    return true;
  }

  private refuse(context: ExecutionContext, resetAtMs: number): never {
    const retryAfter = Math.max(1, Math.ceil((resetAtMs - Date.now()) / 1000));
    context.switchToHttp().getResponse<ReplyWithHeaders>().header('Retry-After', String(retryAfter));
    throw new HttpException(`too many login attempts, retry in ${retryAfter}s`, HttpStatus.TOO_MANY_REQUESTS);
  }

  private async count(limit: Limit, windowMs: number) {
    try {
      return await this.store.hit(limit.kind, limit.key, windowMs);
    } catch (error) {
      // Without its counts the limit cannot hold, and without the database no login works anyway.
      this.logger.error(`login limit store failed: ${(error as Error).message}`);
      throw new ServiceUnavailableException('login is unavailable, try again shortly');
    }
  }
}
