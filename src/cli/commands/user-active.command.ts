import { Command } from 'commander';
import { PasswordHasher } from '../../auth/password';
import { AUTH_ENTITIES } from '../../auth/auth.module';
import { User } from '../../auth/user.entity';
import { UsersService } from '../../auth/users.service';
import { createDataSource } from '../../database/data-source';
import { Settings } from '../../settings/settings';
import { SyncRegistry } from '../../sync/sync.registry';
import { SyncTransactions } from '../../sync/sync-transactions';
import { SyncedUserWriter, USER_MASTER } from '../../users/user-sync';
import { CliError } from '../cli-error';
import { hasUsersTable } from './createuser.command';

/**
 * `deactivateuser <username>` and `activateuser <username>`: on a login service the change goes
 * through the outbox like `createuser`, so the verify-only services refuse (or readmit) the
 * user's tokens as soon as the running app's relay has published it.
 */
export function registerUserActiveCommands(program: Command, loadSettings: () => Settings): void {
  for (const isActive of [false, true]) {
    program
      .command(isActive ? 'activateuser' : 'deactivateuser')
      .description(
        isActive
          ? 'let a deactivated user log in again'
          : 'stop a user from logging in or refreshing; verify-only services refuse its tokens at once',
      )
      .argument('<username>', 'the login name')
      .action(async (username: string) => {
        const user = await setActive(loadSettings(), username, isActive);
        console.log(`${isActive ? 'activated' : 'deactivated'} user ${user.username} (id ${user.id})`);
      });
  }
}

async function setActive(settings: Settings, username: string, isActive: boolean): Promise<User> {
  if (settings.jwtSignKey === false)
    throw new CliError('this is a verify-only service (JWT_SIGN_KEY=0): change users on the login service');
  const dataSource = await createDataSource(settings, AUTH_ENTITIES).initialize();
  try {
    if (!(await hasUsersTable(dataSource)))
      throw new CliError('the users table does not exist: run `npm run cli -- migrate` first');
    const repository = dataSource.getRepository(User);
    const user = await repository.findOneBy({ username });
    if (!user) throw new CliError(`no user ${username}`);
    const master = new SyncRegistry(dataSource, new SyncTransactions(dataSource)).addMaster(USER_MASTER);
    const users = new UsersService(repository, new PasswordHasher(), new SyncedUserWriter(master));
    const changed = await users.setActive(user.id, isActive);
    if (!changed) throw new CliError(`no user ${username}`);
    return changed;
  } finally {
    await dataSource.destroy();
  }
}
