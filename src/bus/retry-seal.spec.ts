import { ConsumeMessage } from 'amqplib';
import { HEADERS } from './bus.constants';
import { Provenance, RetrySeal } from './retry-seal';

const seal = new RetrySeal('k'.repeat(32));
const content = Buffer.from('{"n":1}');
const provenance: Provenance = { routingKey: 'orders.created', exchange: 'events', retryCount: 2 };

function delivery(
  headers: Record<string, unknown>,
  fields: { exchange: string; routingKey: string } = { exchange: '', routingKey: 'billing' },
  body = content,
): ConsumeMessage {
  return {
    content: body,
    fields: { deliveryTag: 1, redelivered: false, consumerTag: 'c', ...fields },
    properties: { headers } as ConsumeMessage['properties'],
  };
}

function sealedHeaders(queue = 'billing', from: Provenance = provenance): Record<string, unknown> {
  return {
    [HEADERS.originalRoutingKey]: from.routingKey,
    [HEADERS.originalExchange]: from.exchange,
    [HEADERS.retryCount]: from.retryCount,
    [HEADERS.retrySeal]: seal.seal(queue, from, content),
  };
}

describe(RetrySeal.name, () => {
  it('opens its own seal on a delivery back through the default exchange to the queue', () => {
    expect(seal.open('billing', delivery(sealedHeaders()))).toEqual(provenance);
  });

  it.each([
    ['no seal', { ...sealedHeaders(), [HEADERS.retrySeal]: undefined }],
    ['a forged seal', { ...sealedHeaders(), [HEADERS.retrySeal]: 'AAAA' }],
    ['another routing key', { ...sealedHeaders(), [HEADERS.originalRoutingKey]: 'admin.reset' }],
    ['another exchange', { ...sealedHeaders(), [HEADERS.originalExchange]: 'cqrs' }],
    ['a raised retry count', { ...sealedHeaders(), [HEADERS.retryCount]: 99 }],
    ['a seal made for another queue', sealedHeaders('payments')],
    [
      'a seal made with another key',
      {
        ...sealedHeaders(),
        [HEADERS.retrySeal]: new RetrySeal('o'.repeat(32)).seal('billing', provenance, content),
      },
    ],
  ])('ignores the headers with %s', (_case, headers) => {
    expect(seal.open('billing', delivery(headers))).toBeNull();
  });

  it('ignores a sealed copy delivered through a topic exchange or to another queue', () => {
    expect(
      seal.open('billing', delivery(sealedHeaders(), { exchange: 'events', routingKey: 'billing' })),
    ).toBeNull();
    expect(
      seal.open('billing', delivery(sealedHeaders(), { exchange: '', routingKey: 'payments' })),
    ).toBeNull();
  });

  it('ignores a seal moved onto another body', () => {
    expect(seal.open('billing', delivery(sealedHeaders(), undefined, Buffer.from('{"n":2}')))).toBeNull();
  });

  it('never opens a routing key over 255 bytes, even sealed', () => {
    const long: Provenance = { ...provenance, routingKey: 'a'.repeat(256) };
    expect(seal.open('billing', delivery(sealedHeaders('billing', long)))).toBeNull();
  });
});
