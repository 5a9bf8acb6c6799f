import { Injectable } from '@nestjs/common';
import { TokenService } from './token.service';

/**
 * Users whose tokens this service refuses before they expire: deactivated or deleted on the login
 * service. Kept in memory (the guard asks on every request, so it must cost no database read);
 * whoever learns of the change fills it: data sync's replica of `user` on a verify-only service,
 * UsersService on the login service itself.
 */
@Injectable()
export class RefusedUsers {
  private readonly refused = new Set<string>();

  constructor(private readonly tokens: TokenService) {}

  /** From now on every token of `userId` gets 401, the cached ones included. */
  refuse(userId: string): void {
    this.refused.add(userId);
    this.tokens.forgetUser(userId);
  }

  /** The user may use its tokens again (reactivated). */
  readmit(userId: string): void {
    this.refused.delete(userId);
  }

  isRefused(userId: string): boolean {
    return this.refused.size > 0 && this.refused.has(userId);
  }

  get size(): number {
    return this.refused.size;
  }
}
