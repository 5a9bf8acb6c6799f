import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';

/** Rows older than this are deleted: such a message was settled some other way long ago. */
const KEEP_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

/**
 * Counts deliveries of one message across process restarts. A classic queue has no delivery
 * count, and a message whose handler crashes the process (process.exit, an uncaught error in a
 * callback, out of memory) is never settled: the broker redelivers it to the next process for
 * ever. Only redeliveries are counted (`redelivered` is set on every delivery after the first), so
 * a message delivered once costs no query; a row is deleted once its message is settled.
 */
export class DeliveryCounter {
  private readonly logger = new Logger(DeliveryCounter.name);
  private nextPruneAtMs = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: string,
  ) {}

  /** The row of one message of this queue: its id and body, whatever a publisher reused. */
  keyOf(message: ConsumeMessage): string {
    const messageId = typeof message.properties.messageId === 'string' ? message.properties.messageId : '';
    return createHash('sha256')
      .update(`${this.queue}\n${message.fields.routingKey}\n${messageId}\n`)
      .update(message.content)
      .digest('base64url');
  }

  /** Counts a redelivery (written before the handler runs); returns the deliveries so far, the first one included. */
  async countRedelivery(key: string): Promise<number> {
    const now = Date.now();
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `INSERT INTO bus_deliveries (id, deliveries, first_seen_at) VALUES (:id, 2, :now)
       ON CONFLICT (id) DO UPDATE SET deliveries = bus_deliveries.deliveries + 1
       RETURNING deliveries`,
      { id: key, now },
    );
    const rows = await this.dataSource.query<{ deliveries: number | string }[]>(sql, parameters);
    if (now >= this.nextPruneAtMs) this.prune(now);
    return Number(rows[0].deliveries);
  }

  /** The message was settled (acked, retried or parked): its count is no longer needed. */
  async forget(key: string): Promise<void> {
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      'DELETE FROM bus_deliveries WHERE id = :id',
      { id: key },
    );
    await this.dataSource.query(sql, parameters);
  }

  /** Not awaited: a slow delete must not hold up a delivery. */
  private prune(now: number): void {
    this.nextPruneAtMs = now + PRUNE_EVERY_MS;
    this.dataSource
      .createQueryBuilder()
      .delete()
      .from('bus_deliveries')
      .where('first_seen_at < :before', { before: now - KEEP_MS })
      .execute()
      .catch((error: Error) => this.logger.warn(`could not prune bus_deliveries: ${error.message}`));
  }
}
