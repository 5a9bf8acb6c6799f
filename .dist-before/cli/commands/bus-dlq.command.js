"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerBusDlqCommand = registerBusDlqCommand;
const commander_1 = require("commander");
const dead_letters_1 = require("../../bus/dead-letters");
const bus_constants_1 = require("../../bus/bus.constants");
const bus_errors_1 = require("../../bus/bus.errors");
const retry_seal_1 = require("../../bus/retry-seal");
function registerBusDlqCommand(program, loadSettings) {
    const dlq = program
        .command('bus:dlq')
        .description('inspect, replay or purge a dead-letter queue (dead_letter_<queue>) on RabbitMQ')
        .addHelpText('after', '\n<queue> is a service queue (its SERVICE_NAME), e.g. billing; default: this service.');
    dlq
        .command('list')
        .description('show parked messages without removing them: when, why, routing key, body')
        .argument('[queue]', 'service queue whose dead letters to show')
        .option('--limit <n>', 'show at most n messages', parseLimit, 20)
        .option('--json', 'one JSON object per line instead of text')
        .action((queue, options, command) => run(command, loadSettings, queue, async (store, name) => {
        const letters = await store.list(name, options.limit);
        for (const letter of letters)
            process.stdout.write(options.json ? `${JSON.stringify(letter)}\n` : formatLetter(letter));
        if (!options.json)
            process.stdout.write(`${letters.length} message(s) shown from ${(0, bus_constants_1.deadLetterQueueName)(name)}\n`);
    }));
    dlq
        .command('replay')
        .description('move parked messages back to the service queue, each with a fresh retry budget')
        .argument('[queue]', 'service queue whose dead letters to replay')
        .option('--limit <n>', 'replay at most n messages (default: all that are parked when it starts)', parseLimit)
        .action((queue, options, command) => run(command, loadSettings, queue, async (store, name) => {
        const replayed = await store.replay(name, options.limit ?? Number.MAX_SAFE_INTEGER, (done) => process.stderr.write(`replayed ${done}...\n`));
        process.stdout.write(`replayed ${replayed} message(s) from ${(0, bus_constants_1.deadLetterQueueName)(name)} to ${name}\n`);
    }));
    dlq
        .command('purge')
        .description('delete every parked message of the queue (cannot be undone)')
        .argument('[queue]', 'service queue whose dead letters to delete')
        .action((queue, _options, command) => run(command, loadSettings, queue, async (store, name) => {
        const purged = await store.purge(name);
        process.stdout.write(`purged ${purged} message(s) from ${(0, bus_constants_1.deadLetterQueueName)(name)}\n`);
    }));
}
async function run(command, loadSettings, queue, work) {
    const settings = loadSettings();
    if (!settings.amqpUrl) {
        command.error('error: bus:dlq needs AMQP_URL: the in-process bus keeps its dead letters in the server process', { exitCode: 1 });
    }
    const name = (0, dead_letters_1.serviceQueueOf)(queue ?? settings.bus.queue);
    const store = new dead_letters_1.AmqpDeadLetterQueue(settings.amqpUrl, new retry_seal_1.RetrySeal(settings.secretKey));
    let failure = null;
    try {
        await work(store, name);
    }
    catch (error) {
        failure = explain(error, name);
    }
    finally {
        await store.close();
    }
    if (failure)
        command.error(`error: ${failure}`, { exitCode: 1 });
}
function explain(error, queue) {
    const text = (0, bus_errors_1.describeError)(error);
    if (/404|NOT_FOUND/.test(text))
        return `no queue ${(0, bus_constants_1.deadLetterQueueName)(queue)} (or ${queue}) on the broker`;
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(text))
        return `cannot reach the broker at AMQP_URL (${text.split('\n')[0]})`;
    if (/ACCESS_REFUSED|403/.test(text))
        return 'the broker refused the AMQP_URL credentials';
    return text.split('\n')[0];
}
function parseLimit(value) {
    if (!/^\d+$/.test(value) || Number(value) < 1)
        throw new commander_1.InvalidArgumentError('must be a whole number of at least 1');
    return Number(value);
}
function formatLetter(letter) {
    const body = letter.body.length > 200 ? `${letter.body.slice(0, 197)}...` : letter.body;
    return [
        `${letter.failedAt || '?'}  ${letter.reason || '?'}  ${letter.routingKey}  retries=${letter.retries}  id=${letter.messageId ?? '-'}`,
        `  error: ${letter.lastError || '-'}`,
        `  body:  ${body}`,
        '',
    ].join('\n');
}
