import { Channel, Message } from 'amqplib';

/**
 * The acks of one channel's deliveries, sent together once per turn of the event loop instead
 * of one frame (and one socket write) each: deliveries settled in the same turn — a replica's
 * group commit settles a few hundred — go out as one `ack` with `multiple` set. A delivery that
 * is still being handled is never covered: the `multiple` ack stops below the lowest unsettled
 * tag, and the settled ones above it are acked one by one, so a slow handler holds back nothing.
 * Every delivery of the channel must be settled through here (delivered() then ack()).
 */
export class BatchedAcks {
  /** Delivered and not settled yet. */
  private readonly unsettled = new Set<number>();
  /** Settled; their ack goes out at the next flush. */
  private pending: number[] = [];
  private isScheduled = false;

  constructor(
    private readonly channel: Channel,
    private readonly onError: (error: unknown) => void,
  ) {}

  delivered(message: Message): void {
    this.unsettled.add(message.fields.deliveryTag);
  }

  ack(message: Message): void {
    const tag = message.fields.deliveryTag;
    this.unsettled.delete(tag);
    this.pending.push(tag);
    if (!this.isScheduled) {
      this.isScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends the pending acks now (also run by close(), before the channel goes). */
  flush(): void {
    this.isScheduled = false;
    if (this.pending.length === 0) return;
    let lowestUnsettled = Infinity;
    for (const tag of this.unsettled) if (tag < lowestUnsettled) lowestUnsettled = tag;
    let coveredUpTo = 0;
    const singles: number[] = [];
    for (const tag of this.pending)
      if (tag < lowestUnsettled) coveredUpTo = Math.max(coveredUpTo, tag);
      else singles.push(tag);
    this.pending = [];
    try {
      if (coveredUpTo > 0) this.channel.ack(withTag(coveredUpTo), true);
      for (const tag of singles) this.channel.ack(withTag(tag));
    } catch (error) {
      // The channel went away: its unacked deliveries come again after the reconnect.
      this.onError(error);
    }
  }
}

/** amqplib reads only the delivery tag of the message it acks. */
function withTag(deliveryTag: number): Message {
  return { fields: { deliveryTag } } as Message;
}
