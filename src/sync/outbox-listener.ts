import { Logger } from '@nestjs/common';
import type { Client } from 'pg';
import { describeError } from '../bus/bus.errors';
import { OUTBOX_NOTIFY_CHANNEL } from './sync.constants';

const RECONNECT_MS = 1_000;

/**
 * PostgreSQL LISTEN on the outbox channel: every process that commits outbox rows through the
 * sync API (another replica of the service, the CLI) NOTIFYs after the commit (OutboxAnnouncer),
 * and this wakes the local relay within milliseconds. One dedicated connection, re-opened if lost.
 */
export class OutboxListener {
  private readonly logger = new Logger('OutboxListener');
  private client: Client | null = null;
  private isStopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    /** `senderId`: the NOTIFY's payload (OutboxAnnouncer.senderId); none for the catch-up call. */
    private readonly onNotify: (senderId?: string) => void,
  ) {}

  async start(): Promise<void> {
    this.isStopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.isStopped) return;
    // Required here: only PostgreSQL services listen, and SQLite ones never load `pg`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client: PgClient } = require('pg') as typeof import('pg');
    const client: Client = new PgClient({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
    client.on('notification', (message) => this.onNotify(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      // Rows may have been written while we were not listening.
      this.onNotify();
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: Client, error?: unknown): void {
    // Only the current client counts: an old one ending late must not start a second listener.
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    if (this.isStopped || this.retryTimer) return;
    if (error) this.logger.warn(`outbox LISTEN connection lost (${describeError(error)}); reconnecting`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, RECONNECT_MS);
    this.retryTimer.unref();
  }
}
