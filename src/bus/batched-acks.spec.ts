import { Channel, Message } from 'amqplib';
import { BatchedAcks } from './batched-acks';

/** What reached the channel: [deliveryTag, multiple] per ack frame. */
function recordingChannel(): { channel: Channel; frames: [number, boolean][] } {
  const frames: [number, boolean][] = [];
  const channel = {
    ack: (message: Message, allUpTo?: boolean) => frames.push([message.fields.deliveryTag, allUpTo === true]),
  } as unknown as Channel;
  return { channel, frames };
}

const delivery = (deliveryTag: number): Message => ({ fields: { deliveryTag } }) as Message;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BatchedAcks', () => {
  it('acks the deliveries settled in one turn with one multiple ack', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new BatchedAcks(channel, () => undefined);
    for (let tag = 1; tag <= 200; tag++) acks.delivered(delivery(tag));
    for (let tag = 200; tag >= 1; tag--) acks.ack(delivery(tag));
    expect(frames).toEqual([]); // nothing before the turn ends
    await nextTurn();
    expect(frames).toEqual([[200, true]]);
  });

  it('never covers a delivery still being handled: those above it are acked one by one', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new BatchedAcks(channel, () => undefined);
    for (let tag = 1; tag <= 6; tag++) acks.delivered(delivery(tag));
    for (const tag of [1, 2, 4, 6]) acks.ack(delivery(tag)); // 3 and 5 still running
    await nextTurn();
    expect(frames).toEqual([
      [2, true],
      [4, false],
      [6, false],
    ]);
    acks.ack(delivery(3));
    acks.ack(delivery(5));
    await nextTurn();
    // 4 and 6 were acked already; a multiple ack up to 5 covers only what is outstanding.
    expect(frames.slice(3)).toEqual([[5, true]]);
  });

  it('flush() sends at once (before a close), and a channel that is gone is reported, not thrown', () => {
    const errors: unknown[] = [];
    const closed = {
      ack: () => {
        throw new Error('Channel closed');
      },
    } as unknown as Channel;
    const acks = new BatchedAcks(closed, (error) => errors.push(error));
    acks.delivered(delivery(1));
    acks.ack(delivery(1));
    expect(() => acks.flush()).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});
