import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { PasswordHasher } from './password';
import { RefusedUsers } from './refused-users';
import { User } from './user.entity';
import { TableUserWriter, USER_WRITER, UserWriter } from './user-writer';
import { pageByUsername, UsernamePageQuery } from '../users/username-page';

export const PASSWORD_HASHER = Symbol('PASSWORD_HASHER');

export const USERNAME_PATTERN = /^[\w.@+-]{1,150}$/;
export const ROLE_PATTERN = /^[a-z][a-z0-9_:.-]{0,63}$/;

export type UserListQuery = UsernamePageQuery;

export interface UserPage {
  readonly count: number;
  readonly users: User[];
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly roles?: readonly string[];
  readonly isActive?: boolean;
}

/**
 * Users of the login service: creation (CLI, tests), deactivation and deletion, and password
 * checks (the token endpoint). Writes go through the injected UserWriter, which in the app also
 * publishes them to the verify-only services (data sync, `cqrs_id` `user`).
 */
@Injectable()
export class UsersService {
  private readonly writer: UserWriter;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Optional() @Inject(USER_WRITER) writer?: UserWriter,
    @Optional() private readonly refused?: RefusedUsers,
  ) {
    this.writer = writer ?? new TableUserWriter(users);
  }

  /** Creates the dummy hash now, so the first unknown-user login does not also pay for it. */
  async warmUp(): Promise<void> {
    await this.hasher.verifyAgainstDummy('warm-up');
  }

  async create(input: NewUser): Promise<User> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw new Error('username must be 1-150 letters, digits or @.+-_');
    }
    const roles = [...new Set(input.roles ?? [])];
    const badRole = roles.find((role) => !ROLE_PATTERN.test(role));
    if (badRole !== undefined)
      throw new Error(`role "${badRole}" must be lower-case letters, digits or _:.-`);
    if (input.password.length < 8) throw new Error('password must be at least 8 characters');
    // Checked first so the usual duplicate never reaches the database: a failed INSERT is
    // logged by TypeORM with its parameters, and one of them is the password hash.
    if (await this.users.existsBy({ username: input.username })) {
      throw new ConflictException(`user ${input.username} already exists`);
    }
    const user = this.users.create({
      id: randomUUID(),
      username: input.username,
      passwordHash: await this.hasher.hash(input.password),
      isActive: input.isActive ?? true,
      roles,
    });
    try {
      return await this.writer.create(user);
    } catch (error) {
      if (error instanceof QueryFailedError && /unique|duplicate/i.test(error.message)) {
        throw new ConflictException(`user ${input.username} already exists`);
      }
      throw error;
    }
  }

  /**
   * The active user with this username and password, or null. Every path runs the KDF
   * exactly once, so unknown, inactive and wrong-password logins cost what a right one does.
   */
  async authenticate(username: string, password: string): Promise<User | null> {
    const user = USERNAME_PATTERN.test(username) ? await this.users.findOneBy({ username }) : null;
    if (!user) return this.hasher.verifyAgainstDummy(password).then(() => null);
    const matches = await this.hasher.verify(password, user.passwordHash);
    if (!matches || !user.isActive) return null;
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.update({ id: user.id }, { passwordHash: await this.hasher.hash(password) });
    }
    return user;
  }

  /**
   * Deactivates (or reactivates) a user. A deactivated user cannot log in or refresh, and every
   * service refuses its access tokens at once (here directly, elsewhere through data sync).
   */
  async setActive(id: string, isActive: boolean): Promise<User | null> {
    const user = await this.writer.update(id, { isActive });
    if (user && !isActive) this.refused?.refuse(id);
    if (user && isActive) this.refused?.readmit(id);
    return user;
  }

  /** Deletes a user (its refresh tokens go with it); false when there was none. */
  async remove(id: string): Promise<boolean> {
    const removed = await this.writer.delete(id);
    if (removed) this.refused?.refuse(id);
    return removed;
  }

  /** A page of users by username, those containing `search` (any case) when given. */
  list(query: UserListQuery): Promise<UserPage> {
    return pageByUsername(this.users, query);
  }

  /** Replaces a user's roles; they reach the other services through data sync like any change. */
  async setRoles(id: string, roles: readonly string[]): Promise<User | null> {
    const unique = [...new Set(roles)];
    const badRole = unique.find((role) => !ROLE_PATTERN.test(role));
    if (badRole !== undefined)
      throw new Error(`role "${badRole}" must be lower-case letters, digits or _:.-`);
    return this.writer.update(id, { roles: unique });
  }

  /** The user if it exists and may still log in (checked again on every refresh). */
  findActive(id: string): Promise<User | null> {
    return this.users.findOneBy({ id, isActive: true });
  }
}
