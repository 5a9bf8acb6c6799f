import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Command, CommanderError } from 'commander';
import { AmqpContext } from '../../src/bus/amqp.context';
import { registerBusDlqCommand } from '../../src/cli/commands/bus-dlq.command';
import { queueDepth, requireBroker, uniqueName, waitFor } from '../support/broker';
import { BusTestbed, Received, TestService } from '../support/bus-testbed';

// Broker round trips and a broker restart; every wait inside is bounded on its own.
jest.setTimeout(60_000);

@Controller()
class PickyController {
  constructor(private readonly received: Received) {}

  /** Accepts only messages marked ok, so a test decides which ones get parked. */
  @EventPattern<string>('picky.thing')
  onThing(@Payload() data: { ok: boolean }, @Ctx() context: AmqpContext): void {
    if (!data.ok) throw new Error('not ok');
    this.received.record(data, context);
  }
}

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker('npm run cli -- bus:dlq', () => {
  let bed: BusTestbed;
  let service: TestService;

  beforeEach(async () => {
    bed = new BusTestbed('amqp');
    service = await bed.startService(uniqueName('picky'), [PickyController], {
      env: { BUS_RETRY_DELAYS: 'none' },
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await bed.close();
  });

  /** Runs the command as the CLI entry would, capturing what it prints and its exit code. */
  async function cli(...args: string[]): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    const program = new Command('cli').exitOverride();
    program.configureOutput({ writeOut: (text) => (stdout += text), writeErr: (text) => (stderr += text) });
    registerBusDlqCommand(program, () => service.settings);
    for (const command of program.commands)
      command.exitOverride().commands.forEach((sub) => sub.exitOverride());
    let code = 0;
    try {
      await program.parseAsync(['node', 'cli', ...args]);
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      code = error.exitCode;
    } finally {
      jest.restoreAllMocks();
    }
    return { code, stdout, stderr };
  }

  async function park(count: number): Promise<void> {
    for (let n = 0; n < count; n++) await service.client.publishEvent('picky.thing', { ok: false, n });
    await waitFor(
      `${count} parked messages`,
      async () => (await queueDepth(`dead_letter_${service.settings.bus.queue}`)) === count,
    );
  }

  it('lists parked messages with reason, routing key and body, leaving them in place', async () => {
    await park(3);
    const run = await cli('bus:dlq', 'list', service.settings.bus.queue, '--limit', '2');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('retries-exhausted  picky.thing  retries=0');
    expect(run.stdout).toContain('error: Error: not ok');
    expect(run.stdout).toContain('body:  {"ok":false,"n":0}');
    expect(run.stdout).toContain(`2 message(s) shown from dead_letter_${service.settings.bus.queue}`);
    expect(await queueDepth(`dead_letter_${service.settings.bus.queue}`)).toBe(3);

    const json = await cli('bus:dlq', 'list', `dead_letter_${service.settings.bus.queue}`, '--json');
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { body: string })
        .map((l) => l.body),
    ).toEqual(['{"ok":false,"n":0}', '{"ok":false,"n":1}', '{"ok":false,"n":2}']);
  });

  it('replays up to --limit messages back into the service queue', async () => {
    await park(3);
    const run = await cli('bus:dlq', 'replay', service.settings.bus.queue, '--limit', '2');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `replayed 2 message(s) from dead_letter_${service.settings.bus.queue} to ${service.settings.bus.queue}`,
    );
    // Still not ok, so the service parks them again: 1 left + 2 back.
    await waitFor(
      'the replayed messages to be parked again',
      async () => (await queueDepth(`dead_letter_${service.settings.bus.queue}`)) === 3,
    );
  });

  it('replays, without --limit, the messages found at the start, while the service parks them again', async () => {
    await park(3);
    // The handler still fails, so every replayed message is parked again at once: a replay that
    // went on until the queue is empty would never end.
    const run = await cli('bus:dlq', 'replay', service.settings.bus.queue);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`replayed 3 message(s) from dead_letter_${service.settings.bus.queue}`);
    await waitFor(
      'the replayed messages to be parked again',
      async () => (await queueDepth(`dead_letter_${service.settings.bus.queue}`)) === 3,
    );
  });

  it('replays one message chosen by --id; the others stay parked, in their order', async () => {
    await park(3);
    const dlq = `dead_letter_${service.settings.bus.queue}`;
    const parked = (await cli('bus:dlq', 'list', service.settings.bus.queue, '--json')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { messageId: string; body: string });
    const run = await cli('bus:dlq', 'replay', service.settings.bus.queue, '--id', parked[1].messageId);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`replayed message ${parked[1].messageId} from ${dlq}`);
    // Still not ok, so the service parks it again, behind the two that stayed.
    await waitFor('the replayed message to be parked again', async () => (await queueDepth(dlq)) === 3);
    const after = (await cli('bus:dlq', 'list', service.settings.bus.queue, '--json')).stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { body: string }).body);
    expect(after).toEqual(['{"ok":false,"n":0}', '{"ok":false,"n":2}', '{"ok":false,"n":1}']);

    const missing = await cli('bus:dlq', 'replay', service.settings.bus.queue, '--id', 'no-such-message');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no message no-such-message is parked in ${dlq}`);
    expect(await queueDepth(dlq)).toBe(3);
  });

  it('purges the dead-letter queue', async () => {
    await park(2);
    const run = await cli('bus:dlq', 'purge', service.settings.bus.queue);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('purged 2 message(s)');
    expect(await queueDepth(`dead_letter_${service.settings.bus.queue}`)).toBe(0);
  });

  it.each(['list', 'replay', 'purge'])(
    '%s exits non-zero with one line for a queue that does not exist',
    async (action) => {
      const run = await cli('bus:dlq', action, 'no-such-service');
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        'error: no queue dead_letter_no-such-service (or no-such-service) on the broker',
      ]);
    },
  );
});
