import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SyncedUser } from './synced-user.entity';
import { pageByUsername, UsernamePageQuery } from './username-page';

export interface SyncedUserPage {
  readonly count: number;
  readonly users: SyncedUser[];
}

/** Reads the replica of the login service's users that a verify-only service keeps (`synced_users`). */
@Injectable()
export class SyncedUsersService {
  constructor(@InjectRepository(SyncedUser) private readonly users: Repository<SyncedUser>) {}

  /** A page by username, those containing `search` (any case) when given. */
  list(query: UsernamePageQuery): Promise<SyncedUserPage> {
    return pageByUsername(this.users, query);
  }
}
