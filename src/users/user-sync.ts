import { RefusedUsers } from '../auth/refused-users';
import { User } from '../auth/user.entity';
import { UserChanges, UserWriter } from '../auth/user-writer';
import { JsonObject } from '../sync/cqrs-message';
import { MasterDefinition } from '../sync/master.definition';
import { MasterRepository } from '../sync/master-repository';
import { ReplicaDefinition } from '../sync/replica.definition';
import { SyncedUser } from './synced-user.entity';

export const USER_CQRS_ID = 'user';

/**
 * The login service masters its users. What travels: id, username, is_active, roles and
 * date_joined (Django's name for it) — never the password hash.
 */
export const USER_MASTER: MasterDefinition<User> = {
  cqrsId: USER_CQRS_ID,
  entity: User,
  fields: { username: 'username', is_active: 'isActive', roles: 'roles', date_joined: 'createdAt' },
  trackedFields: ['isActive', 'roles'],
};

/** UsersService's writes on a login service: each also queues the `user` event (same transaction). */
export class SyncedUserWriter implements UserWriter {
  constructor(private readonly master: MasterRepository<User>) {}

  create(user: User): Promise<User> {
    return this.master.create(user);
  }

  update(id: string, changes: UserChanges): Promise<User | null> {
    return this.master.update(id, changes);
  }

  delete(id: string): Promise<boolean> {
    return this.master.delete(id);
  }
}

/**
 * A verify-only service's read-only copy of the login service's users. Applying a change tells
 * the guard at once: a deactivated or deleted user's tokens are refused from then on. A Django
 * login service's users (no `roles`, integer ids, extra fields such as `email`) fit as well.
 */
export function userReplica(refused: RefusedUsers): ReplicaDefinition<SyncedUser> {
  return {
    cqrsId: USER_CQRS_ID,
    entity: SyncedUser,
    mapping: {
      id: 'id',
      username: 'username',
      isActive: 'is_active',
      roles: (data: JsonObject) => (Array.isArray(data.roles) ? data.roles.map(String) : []),
      dateJoined: 'date_joined',
    },
    afterCommit: ({ body, row, pk }) => {
      const id = String(pk);
      if (body.signal_type === 'DELETE' || !row?.isActive) refused.refuse(id);
      else refused.readmit(id);
    },
  };
}
