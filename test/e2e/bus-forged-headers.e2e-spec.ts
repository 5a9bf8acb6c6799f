import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { connect } from 'amqplib';
import { AmqpContext } from '../../src/bus/amqp.context';
import { HEADERS } from '../../src/bus/bus.constants';
import { requireBroker, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { BusTestbed, Received, TestService, TransportKind } from '../support/bus-testbed';

jest.setTimeout(60_000);

const attempts = new Map<string, number>();

@Controller()
class TargetController {
  constructor(private readonly received: Received) {}

  /** Fails the first attempt of every id, so the message needs one retry. */
  @EventPattern<string>('forge.report')
  onReport(@Payload() data: { id: string }, @Ctx() context: AmqpContext): void {
    const attempt = (attempts.get(data.id) ?? 0) + 1;
    attempts.set(data.id, attempt);
    if (attempt === 1) throw new Error('first attempt fails');
    this.received.record(data, context);
  }

  /** The handler a forger wants to reach. */
  @EventPattern<string>('forge.admin.reset')
  onAdminReset(@Payload() data: unknown, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
  }
}

/** Headers an outside publisher could send, claiming a retried message with no retries left. */
const FORGED = {
  [HEADERS.originalRoutingKey]: 'forge.admin.reset',
  [HEADERS.retryCount]: 99,
  [HEADERS.retrySeal]: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};

const transports: TransportKind[] = [...(requireBroker() ? (['amqp'] as const) : []), 'in-process'];

describe.each(transports)('bus over %s: headers from an outside publisher', (kind) => {
  let bed: BusTestbed;
  let service: TestService;

  beforeEach(async () => {
    bed = new BusTestbed(kind);
    service = await bed.startService(uniqueName('forge'), [TargetController]);
  });

  afterEach(async () => {
    await bed.close();
  });

  /** Publishes as a foreign client would: raw JSON, any headers, to an exchange of its choosing. */
  async function publishForeign(exchange: string, routingKey: string, body: unknown): Promise<void> {
    const content = Buffer.from(JSON.stringify(body));
    const headers = { ...FORGED, [HEADERS.originalExchange]: bed.exchange };
    if (kind === 'in-process') {
      const properties = { headers, contentType: 'application/json' };
      if (exchange === '') bed.broker.sendToQueue(routingKey, content, properties);
      else bed.broker.publish(exchange, routingKey, content, properties);
      return;
    }
    const connection = await connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(exchange, routingKey, content, { headers, contentType: 'application/json' });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

  it('reaches only the handler its real routing key names, and still gets its retries', async () => {
    const id = uniqueName('report');
    await publishForeign(bed.exchange, 'forge.report', { id });
    await waitFor('the retried report to be handled', () => service.received.messages.length === 1);
    const [handled] = service.received.messages;
    expect(handled.pattern).toBe('forge.report');
    expect(handled.routingKey).toBe('forge.report');
    // Our retry replaced the forged count with its own: one retry, not 99.
    expect(handled.message.properties.headers?.[HEADERS.retryCount]).toBe(1);
    expect(attempts.get(id)).toBe(2);
    expect(service.received.dataFor('forge.admin.reset')).toEqual([]);
    expect(await bed.deadLetters().list(service.settings.bus.queue, 10)).toEqual([]);
  });

  it('parks a forged message sent straight to the service queue instead of running the named handler', async () => {
    const queue = service.settings.bus.queue;
    // The default exchange delivers it exactly as a message back from a delay queue arrives.
    await publishForeign('', queue, { id: uniqueName('direct') });
    let parked: Awaited<ReturnType<ReturnType<BusTestbed['deadLetters']>['list']>> = [];
    await waitFor('the forged message to be parked', async () => {
      parked = await bed.deadLetters().list(queue, 10);
      return parked.length === 1;
    });
    expect(parked[0]).toMatchObject({ reason: 'no-handler', routingKey: queue, retries: 0 });
    expect(service.received.messages).toEqual([]);
  });
});
