"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildProgram = buildProgram;
exports.runCli = runCli;
require("reflect-metadata");
const commander_1 = require("commander");
const load_settings_1 = require("../settings/load-settings");
const settings_error_1 = require("../settings/settings-error");
const service_info_1 = require("../http/service-info");
const cli_error_1 = require("./cli-error");
const bus_dlq_command_1 = require("./commands/bus-dlq.command");
const createuser_command_1 = require("./commands/createuser.command");
const jobs_command_1 = require("./commands/jobs.command");
const keygen_command_1 = require("./commands/keygen.command");
const migrate_command_1 = require("./commands/migrate.command");
const rename_command_1 = require("./commands/rename.command");
const template_update_command_1 = require("./commands/template-update.command");
const sync_command_1 = require("./commands/sync.command");
function buildProgram(options = {}) {
    const program = new commander_1.Command('cli')
        .description('Operations for this service (same settings as the server)')
        .version(service_info_1.SERVICE_VERSION)
        .showHelpAfterError()
        .exitOverride();
    (0, migrate_command_1.registerMigrateCommands)(program, () => (0, load_settings_1.loadSettings)());
    (0, keygen_command_1.registerKeygenCommand)(program);
    (0, createuser_command_1.registerCreateUserCommand)(program, () => (0, load_settings_1.loadSettings)());
    (0, bus_dlq_command_1.registerBusDlqCommand)(program, () => (0, load_settings_1.loadSettings)());
    (0, sync_command_1.registerSyncCommands)(program, () => (0, load_settings_1.loadSettings)(), options.sync);
    (0, jobs_command_1.registerJobsCommands)(program, () => (0, load_settings_1.loadSettings)(), options.modules ?? []);
    (0, rename_command_1.registerRenameCommand)(program);
    (0, template_update_command_1.registerTemplateUpdateCommand)(program);
    return program;
}
async function runCli(argv, options = {}) {
    try {
        await buildProgram(options).parseAsync(argv, { from: 'user' });
        return Number(process.exitCode ?? 0);
    }
    catch (error) {
        if (error instanceof commander_1.CommanderError)
            return error.exitCode;
        if (error instanceof settings_error_1.SettingsError)
            process.stderr.write(`settings: ${error.message}\n`);
        else if (error instanceof cli_error_1.CliError)
            process.stderr.write(`error: ${error.message}\n`);
        else
            process.stderr.write(`error: ${error.message?.split('\n')[0] ?? String(error)}\n`);
        return 1;
    }
}
if (require.main === module) {
    void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
