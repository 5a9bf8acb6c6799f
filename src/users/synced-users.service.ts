import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SyncedUser } from './synced-user.entity';

export interface SyncedUserPage {
  readonly count: number;
  readonly users: SyncedUser[];
}

/** Reads the replica of the login service's users that a verify-only service keeps (`synced_users`). */
@Injectable()
export class SyncedUsersService {
  constructor(@InjectRepository(SyncedUser) private readonly users: Repository<SyncedUser>) {}

  /** A page by username, those containing `search` (any case) when given. */
  async list(query: { search?: string; limit: number; offset: number }): Promise<SyncedUserPage> {
    const builder = this.users
      .createQueryBuilder('account')
      .orderBy('account.username', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.search) {
      builder.where("LOWER(account.username) LIKE :pattern ESCAPE '\\'", {
        pattern: `%${query.search.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`,
      });
    }
    const [users, count] = await builder.getManyAndCount();
    return { count, users };
  }
}
