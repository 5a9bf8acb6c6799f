import { ConsumeMessage } from 'amqplib';
import { emptyProperties } from './bus.message';
import { describeDeadLetter, serviceQueueOf } from './dead-letters';

describe(serviceQueueOf.name, () => {
  it('accepts the service queue or its dead-letter name', () => {
    expect(serviceQueueOf('billing')).toBe('billing');
    expect(serviceQueueOf('dead_letter_billing')).toBe('billing');
  });
});

describe(describeDeadLetter.name, () => {
  it('reads the failure record from the headers', () => {
    const message: ConsumeMessage = {
      content: Buffer.from('{"id":1}'),
      fields: {
        deliveryTag: 1,
        redelivered: false,
        exchange: '',
        routingKey: 'dead_letter_billing',
        consumerTag: '',
      },
      properties: {
        ...emptyProperties(),
        messageId: 'm-1',
        headers: {
          'x-original-routing-key': 'orders.eu.created',
          'x-death-reason': 'retries-exhausted',
          'x-last-error': 'Error: boom',
          'x-failed-at': '2026-11-25T20:00:00.000Z',
          'x-retry-count': 3,
        },
      },
    };
    expect(describeDeadLetter(message)).toEqual({
      messageId: 'm-1',
      routingKey: 'orders.eu.created',
      reason: 'retries-exhausted',
      lastError: 'Error: boom',
      failedAt: '2026-11-25T20:00:00.000Z',
      retries: 3,
      body: '{"id":1}',
    });
  });
});
