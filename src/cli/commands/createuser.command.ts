import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../../auth/password';
import { AUTH_ENTITIES } from '../../auth/auth.module';
import { User } from '../../auth/user.entity';
import { UsersService } from '../../auth/users.service';
import { createDataSource } from '../../database/data-source';
import { Settings } from '../../settings/settings';
import { CliError } from '../cli-error';
import { SyncRegistry } from '../../sync/sync.registry';
import { SyncTransactions } from '../../sync/sync-transactions';
import { SyncedUserWriter, USER_MASTER } from '../../users/user-sync';

/** The variable scripts can pass the password in (DESIGN.md "CLI"); never a command-line argument. */
const PASSWORD_VARIABLE = 'CREATEUSER_PASSWORD';

interface CreateUserOptions {
  roles?: string;
  passwordStdin: boolean;
}

/** `createuser <username> [--roles a,b] [--password-stdin]`. */
export function registerCreateUserCommand(program: Command, loadSettings: () => Settings): void {
  program
    .command('createuser')
    .description(
      `create a login user; the password is prompted without echo, or read with --password-stdin, or taken from ${PASSWORD_VARIABLE}`,
    )
    .argument('<username>', 'letters, digits and @.+-_ (at most 150)')
    .option('--roles <roles>', 'comma-separated roles, e.g. admin,items:write')
    .option('--password-stdin', 'read the password from standard input (first line)', false)
    .action(async (username: string, options: CreateUserOptions) => {
      const settings = loadSettings();
      const password = await readPassword(options.passwordStdin);
      const roles = (options.roles ?? '')
        .split(',')
        .map((role) => role.trim())
        .filter((role) => role !== '');
      const dataSource = await createDataSource(settings, AUTH_ENTITIES).initialize();
      try {
        if (!(await hasUsersTable(dataSource))) {
          throw new CliError('the users table does not exist: run `npm run cli -- migrate` first');
        }
        // On a login service the user also goes to the outbox, so the running app's relay
        // replicates it to the verify-only services (data sync, cqrs_id `user`).
        const writer =
          settings.jwtSignKey === false
            ? undefined
            : new SyncedUserWriter(
                new SyncRegistry(dataSource, new SyncTransactions(dataSource)).addMaster(USER_MASTER),
              );
        const users = new UsersService(dataSource.getRepository(User), new PasswordHasher(), writer);
        const user = await users.create({ username, password, roles }).catch((error: Error) => {
          throw new CliError(error.message);
        });
        console.log(
          `created user ${user.username} (id ${user.id})${roles.length ? ` with roles ${roles.join(', ')}` : ''}`,
        );
      } finally {
        await dataSource.destroy();
      }
    });
}

/** The runner holds a pooled connection (PostgreSQL) until it is released. */
export async function hasUsersTable(dataSource: DataSource): Promise<boolean> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    return await queryRunner.hasTable('users');
  } finally {
    await queryRunner.release();
  }
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return firstLine(await readAll(process.stdin));
  // The one place outside settings that reads the environment: a one-off secret for this command.
  const fromEnv = process.env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError(`no password: use --password-stdin or ${PASSWORD_VARIABLE}, or run in a terminal`);
  }
  const password = await promptHidden('Password: ');
  if ((await promptHidden('Password (again): ')) !== password)
    throw new CliError('the passwords do not match');
  return password;
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0];
}

/** Reads one line from the terminal in raw mode, so the password is never echoed. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Raw mode before the prompt: anything typed (or pasted) early must not be echoed either.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolvePromise, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliError('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}
