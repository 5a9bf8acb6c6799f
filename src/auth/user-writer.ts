import { Repository } from 'typeorm';
import { User } from './user.entity';

/** The changes UsersService makes to a user after creating it. */
export type UserChanges = Partial<Pick<User, 'username' | 'isActive' | 'roles'>>;

/**
 * Where UsersService writes users. Auth sits below data sync, so it only names this small
 * interface: the users feature (src/users) provides one that also queues the `user` sync event
 * in the same transaction; without it (unit tests) writes go straight to the table.
 */
export interface UserWriter {
  create(user: User): Promise<User>;
  /** The user after the change, or null when there is no such user. */
  update(id: string, changes: UserChanges): Promise<User | null>;
  /** False when there was no such user. */
  delete(id: string): Promise<boolean>;
}

export const USER_WRITER = Symbol('USER_WRITER');

/** Plain TypeORM writes, nothing published. */
export class TableUserWriter implements UserWriter {
  constructor(private readonly users: Repository<User>) {}

  create(user: User): Promise<User> {
    return this.users.save(user);
  }

  async update(id: string, changes: UserChanges): Promise<User | null> {
    const result = await this.users.update({ id }, changes);
    return result.affected ? this.users.findOneBy({ id }) : null;
  }

  async delete(id: string): Promise<boolean> {
    return Boolean((await this.users.delete({ id })).affected);
  }
}
