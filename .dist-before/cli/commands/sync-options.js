"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.syncCommand = syncCommand;
exports.withSyncCli = withSyncCli;
exports.wholeNumber = wholeNumber;
exports.queueName = queueName;
exports.duration = duration;
exports.formatDuration = formatDuration;
exports.writeLine = writeLine;
exports.readLines = readLines;
const node_events_1 = require("node:events");
const node_readline_1 = require("node:readline");
const common_1 = require("@nestjs/common");
const commander_1 = require("commander");
const typeorm_1 = require("typeorm");
const bus_errors_1 = require("../../bus/bus.errors");
const replica_revisions_bus_1 = require("../../sync/replica-revisions.bus");
const replica_revisions_1 = require("../../sync/replica-revisions");
const sync_diff_stream_1 = require("../../sync/sync-diff-stream");
const sync_filter_1 = require("../../sync/sync-filter");
const sync_registry_1 = require("../../sync/sync.registry");
const cli_error_1 = require("../cli-error");
const sync_context_1 = require("./sync-context");
function syncCommand(program, name) {
    return program.command(name).showHelpAfterError(false);
}
async function withSyncCli(context, work) {
    const settings = context.loadSettings();
    common_1.Logger.overrideLogger(new sync_context_1.CliLogger(settings.logLevel === 'debug' || settings.logLevel === 'trace'));
    const cli = await sync_context_1.SyncCli.open(settings, context.extensions);
    const onStdoutError = (error) => {
        process.stderr.write(`error: cannot write to standard output (${error.code ?? error.message})\n`);
        process.exit(1);
    };
    process.stdout.once('error', onStdoutError);
    try {
        await work(cli);
    }
    catch (error) {
        throw toCliError(error);
    }
    finally {
        process.stdout.off('error', onStdoutError);
        await cli.close();
    }
}
function toCliError(error) {
    if (error instanceof cli_error_1.CliError)
        return error;
    if (error instanceof sync_filter_1.SyncFilterError ||
        error instanceof sync_registry_1.SyncRegistrationError ||
        error instanceof sync_diff_stream_1.DiffStreamError ||
        error instanceof replica_revisions_bus_1.ReplicaUnreachableError ||
        error instanceof replica_revisions_1.InvalidIdentifierError ||
        error instanceof replica_revisions_bus_1.InvalidRevisionsRequestError)
        return new cli_error_1.CliError(error.message);
    if (error instanceof typeorm_1.QueryFailedError)
        return new cli_error_1.CliError(`the database refused a query: ${error.message}`);
    const text = (0, bus_errors_1.describeError)(error);
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ACCESS_REFUSED/.test(text))
        return new cli_error_1.CliError(`cannot reach the broker at AMQP_URL (${text.split('\n')[0]})`);
    return error;
}
function wholeNumber(min, max) {
    return (value) => {
        if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
            throw new commander_1.InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
        return Number(value);
    };
}
function queueName(value) {
    if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(value))
        throw new commander_1.InvalidArgumentError('must be a queue name: letters, digits, "_", ".", ":" or "-"');
    return value;
}
const DURATION_UNITS = {
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
};
function duration(value) {
    const match = /^(\d+)\s*([smhdw])?$/i.exec(value.trim());
    if (!match)
        throw new commander_1.InvalidArgumentError('must be a duration such as 90s, 30m, 12h, 7d or 2w');
    return Number(match[1]) * DURATION_UNITS[(match[2] ?? 's').toLowerCase()];
}
function formatDuration(ms) {
    const parts = [];
    let rest = Math.round(ms / 1000);
    for (const [unit, seconds] of [
        ['d', 86_400],
        ['h', 3_600],
        ['m', 60],
        ['s', 1],
    ]) {
        const count = Math.floor(rest / seconds);
        rest -= count * seconds;
        if (count > 0)
            parts.push(`${count}${unit}`);
    }
    return parts.length > 0 ? parts.join(' ') : '0s';
}
async function writeLine(line) {
    if (!process.stdout.write(`${line}\n`))
        await (0, node_events_1.once)(process.stdout, 'drain');
}
function readLines() {
    return (0, node_readline_1.createInterface)({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
}
