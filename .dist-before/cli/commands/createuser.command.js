"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerCreateUserCommand = registerCreateUserCommand;
exports.hasUsersTable = hasUsersTable;
const password_1 = require("../../auth/password");
const auth_module_1 = require("../../auth/auth.module");
const user_entity_1 = require("../../auth/user.entity");
const users_service_1 = require("../../auth/users.service");
const data_source_1 = require("../../database/data-source");
const cli_error_1 = require("../cli-error");
const sync_registry_1 = require("../../sync/sync.registry");
const sync_transactions_1 = require("../../sync/sync-transactions");
const user_sync_1 = require("../../users/user-sync");
const PASSWORD_VARIABLE = 'CREATEUSER_PASSWORD';
function registerCreateUserCommand(program, loadSettings) {
    program
        .command('createuser')
        .description(`create a login user; the password is prompted without echo, or read with --password-stdin, or taken from ${PASSWORD_VARIABLE}`)
        .argument('<username>', 'letters, digits and @.+-_ (at most 150)')
        .option('--roles <roles>', 'comma-separated roles, e.g. admin,items:write')
        .option('--password-stdin', 'read the password from standard input (first line)', false)
        .action(async (username, options) => {
        const settings = loadSettings();
        const password = await readPassword(options.passwordStdin);
        const roles = (options.roles ?? '')
            .split(',')
            .map((role) => role.trim())
            .filter((role) => role !== '');
        const dataSource = await (0, data_source_1.createDataSource)(settings, auth_module_1.AUTH_ENTITIES).initialize();
        try {
            if (!(await hasUsersTable(dataSource))) {
                throw new cli_error_1.CliError('the users table does not exist: run `npm run cli -- migrate` first');
            }
            const writer = settings.jwtSignKey === false
                ? undefined
                : new user_sync_1.SyncedUserWriter(new sync_registry_1.SyncRegistry(dataSource, new sync_transactions_1.SyncTransactions(dataSource)).addMaster(user_sync_1.USER_MASTER));
            const users = new users_service_1.UsersService(dataSource.getRepository(user_entity_1.User), new password_1.PasswordHasher(), writer);
            const user = await users.create({ username, password, roles }).catch((error) => {
                throw new cli_error_1.CliError(error.message);
            });
            console.log(`created user ${user.username} (id ${user.id})${roles.length ? ` with roles ${roles.join(', ')}` : ''}`);
        }
        finally {
            await dataSource.destroy();
        }
    });
}
async function hasUsersTable(dataSource) {
    const queryRunner = dataSource.createQueryRunner();
    try {
        return await queryRunner.hasTable('users');
    }
    finally {
        await queryRunner.release();
    }
}
async function readPassword(fromStdin) {
    if (fromStdin)
        return firstLine(await readAll(process.stdin));
    const fromEnv = process.env[PASSWORD_VARIABLE];
    if (fromEnv !== undefined && fromEnv !== '')
        return fromEnv;
    if (!process.stdin.isTTY) {
        throw new cli_error_1.CliError(`no password: use --password-stdin or ${PASSWORD_VARIABLE}, or run in a terminal`);
    }
    const password = await promptHidden('Password: ');
    if ((await promptHidden('Password (again): ')) !== password)
        throw new cli_error_1.CliError('the passwords do not match');
    return password;
}
async function readAll(stream) {
    const chunks = [];
    for await (const chunk of stream)
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
}
function firstLine(text) {
    return text.split(/\r?\n/)[0];
}
function promptHidden(prompt) {
    const stdin = process.stdin;
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    return new Promise((resolvePromise, reject) => {
        let value = '';
        const finish = (error) => {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.removeListener('data', onData);
            process.stderr.write('\n');
            if (error)
                reject(error);
            else
                resolvePromise(value);
        };
        const onData = (chunk) => {
            for (const char of chunk.toString('utf8')) {
                if (char === '\r' || char === '\n')
                    return finish();
                if (char === '\u0003')
                    return finish(new cli_error_1.CliError('cancelled'));
                if (char === '\u007f' || char === '\b')
                    value = value.slice(0, -1);
                else
                    value += char;
            }
        };
        stdin.resume();
        stdin.on('data', onData);
    });
}
