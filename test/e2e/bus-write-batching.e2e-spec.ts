import { ChannelModel, connect } from 'amqplib';
import type { Writable } from 'node:stream';
import { AmqpConnection } from '../../src/bus/amqp-connection';
import { requireBroker, TEST_AMQP_URL } from '../support/broker';

const MESSAGES = 300;

/** Counts the calls that hand data to the socket's handle (each is one write or writev syscall). */
function countSocketWrites(model: ChannelModel): { readonly writes: number; readonly batched: number } {
  const stream = (model as unknown as { connection: { stream: Writable } }).connection.stream;
  const counts = { writes: 0, batched: 0 };
  const write = stream._write.bind(stream);
  const writev = stream._writev?.bind(stream);
  stream._write = (chunk, encoding, callback) => {
    counts.writes++;
    write(chunk, encoding, callback);
  };
  if (writev)
    stream._writev = (chunks, callback) => {
      counts.writes++;
      counts.batched++;
      writev(chunks, callback);
    };
  return counts;
}

/** MESSAGES publishes in one turn of the event loop to a server-named queue, all confirmed. */
async function publishBurst(model: ChannelModel): Promise<void> {
  const channel = await model.createConfirmChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  for (let i = 0; i < MESSAGES; i++) channel.publish('', queue, Buffer.from(JSON.stringify({ i })));
  await channel.waitForConfirms();
  const { messageCount } = await channel.checkQueue(queue);
  expect(messageCount).toBe(MESSAGES);
  await channel.close();
}

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker('writes on the broker connection', () => {
  it('sends a burst of publishes in a few writev calls, where plain amqplib makes one write per message', async () => {
    const plain = await connect(TEST_AMQP_URL);
    const bus = new AmqpConnection(TEST_AMQP_URL, 'write-batching-test');
    try {
      const plainCounts = countSocketWrites(plain);
      await publishBurst(plain);
      // The control: without the corking, amqplib writes each message on its own.
      expect(plainCounts.writes).toBeGreaterThanOrEqual(MESSAGES);

      const session = await bus.start();
      const busCounts = countSocketWrites(session.connection);
      await publishBurst(session.connection);
      expect(busCounts.batched).toBeGreaterThan(0);
      // Each pass of amqplib's Mux stops at the socket's 16 KiB high-water mark: a few dozen
      // messages per writev, and the confirm channel's own frames besides.
      expect(busCounts.writes).toBeLessThan(MESSAGES / 5);
    } finally {
      await bus.close();
      await plain.close();
    }
  });
});
