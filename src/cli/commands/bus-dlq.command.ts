import { Command, InvalidArgumentError, Option } from 'commander';
import { AmqpDeadLetterQueue, DeadLetter, DeadLetterQueue, serviceQueueOf } from '../../bus/dead-letters';
import { deadLetterQueueName } from '../../bus/bus.constants';
import { describeError } from '../../bus/bus.errors';
import { RetrySeal } from '../../bus/retry-seal';
import { Settings } from '../../settings/settings';

/**
 * `bus:dlq list|replay|purge <queue>`: the service's parked messages on RabbitMQ. `<queue>` is
 * the service queue (SERVICE_NAME) or its `dead_letter_` name; it defaults to this service.
 */
export function registerBusDlqCommand(program: Command, loadSettings: () => Settings): void {
  const dlq = program
    .command('bus:dlq')
    .description('inspect, replay or purge a dead-letter queue (dead_letter_<queue>) on RabbitMQ')
    .addHelpText(
      'after',
      '\n<queue> is a service queue (its SERVICE_NAME), e.g. billing; default: this service.',
    );

  dlq
    .command('list')
    .description('show parked messages without removing them: when, why, routing key, body')
    .argument('[queue]', 'service queue whose dead letters to show')
    .option('--limit <n>', 'show at most n messages', parseLimit, 20)
    .option('--json', 'one JSON object per line instead of text')
    .action((queue: string | undefined, options: { limit: number; json?: boolean }, command: Command) =>
      run(command, loadSettings, queue, async (store, name) => {
        const letters = await store.list(name, options.limit);
        for (const letter of letters)
          process.stdout.write(options.json ? `${JSON.stringify(letter)}\n` : formatLetter(letter));
        if (!options.json)
          process.stdout.write(`${letters.length} message(s) shown from ${deadLetterQueueName(name)}\n`);
      }),
    );

  dlq
    .command('replay')
    .description('move parked messages back to the service queue, each with a fresh retry budget')
    .argument('[queue]', 'service queue whose dead letters to replay')
    .option(
      '--limit <n>',
      'replay at most n messages (default: all that are parked when it starts)',
      parseLimit,
    )
    .addOption(
      new Option(
        '--id <messageId>',
        'replay only the message with this id (see `list`); the others stay',
      ).conflicts('limit'),
    )
    .action((queue: string | undefined, options: { limit?: number; id?: string }, command: Command) =>
      run(command, loadSettings, queue, async (store, name) => {
        if (options.id !== undefined) {
          if (!(await store.replayMessage(name, options.id)))
            command.error(`error: no message ${options.id} is parked in ${deadLetterQueueName(name)}`, {
              exitCode: 1,
            });
          process.stdout.write(
            `replayed message ${options.id} from ${deadLetterQueueName(name)} to ${name}\n`,
          );
          return;
        }
        const replayed = await store.replay(name, options.limit ?? Number.MAX_SAFE_INTEGER, (done) =>
          process.stderr.write(`replayed ${done}...\n`),
        );
        process.stdout.write(
          `replayed ${replayed} message(s) from ${deadLetterQueueName(name)} to ${name}\n`,
        );
      }),
    );

  dlq
    .command('purge')
    .description('delete every parked message of the queue (cannot be undone)')
    .argument('[queue]', 'service queue whose dead letters to delete')
    .action((queue: string | undefined, _options: unknown, command: Command) =>
      run(command, loadSettings, queue, async (store, name) => {
        const purged = await store.purge(name);
        process.stdout.write(`purged ${purged} message(s) from ${deadLetterQueueName(name)}\n`);
      }),
    );
}

async function run(
  command: Command,
  loadSettings: () => Settings,
  queue: string | undefined,
  work: (store: DeadLetterQueue, queue: string) => Promise<void>,
): Promise<void> {
  const settings = loadSettings();
  if (!settings.amqpUrl) {
    command.error(
      'error: bus:dlq needs AMQP_URL: the in-process bus keeps its dead letters in the server process',
      { exitCode: 1 },
    );
  }
  const name = serviceQueueOf(queue ?? settings.bus.queue);
  const store = new AmqpDeadLetterQueue(settings.amqpUrl, new RetrySeal(settings.secretKey));
  let failure: string | null = null;
  try {
    await work(store, name);
  } catch (error) {
    failure = explain(error, name);
  } finally {
    await store.close();
  }
  if (failure) command.error(`error: ${failure}`, { exitCode: 1 });
}

function explain(error: unknown, queue: string): string {
  const text = describeError(error);
  if (/404|NOT_FOUND/.test(text)) return `no queue ${deadLetterQueueName(queue)} (or ${queue}) on the broker`;
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(text))
    return `cannot reach the broker at AMQP_URL (${text.split('\n')[0]})`;
  if (/ACCESS_REFUSED|403/.test(text)) return 'the broker refused the AMQP_URL credentials';
  return text.split('\n')[0];
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(value);
}

function formatLetter(letter: DeadLetter): string {
  const body = letter.body.length > 200 ? `${letter.body.slice(0, 197)}...` : letter.body;
  return [
    `${letter.failedAt || '?'}  ${letter.reason || '?'}  ${letter.routingKey}  retries=${letter.retries}  id=${letter.messageId ?? '-'}`,
    `  error: ${letter.lastError || '-'}`,
    `  body:  ${body}`,
    '',
  ].join('\n');
}
