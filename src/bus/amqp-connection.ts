import { Logger } from '@nestjs/common';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { DEFAULT_HEARTBEAT_SECONDS, RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS } from './bus.constants';
import { BusClosedError, describeError } from './bus.errors';
import { batchSocketWrites } from './socket-write-batching';

/** One live connection with its confirm channel; replaced as a whole after any failure. */
export interface AmqpSession {
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
}

type SetupHook = (session: AmqpSession) => Promise<void>;
type Listener = (session: AmqpSession) => void;

/**
 * A connection that comes back by itself: after a broker restart or a network cut it reconnects
 * with exponential backoff and runs every setup hook again (declare topology, consume), so no
 * caller has to notice. Any channel error drops the whole session, which keeps recovery one path.
 */
export class AmqpConnection {
  private session: AmqpSession | null = null;
  private running: Promise<void> | null = null;
  private isClosing = false;
  private wakeUp: (() => void) | null = null;
  private readonly setupHooks: SetupHook[] = [];
  private readonly upListeners: Listener[] = [];
  private readonly downListeners: (() => void)[] = [];
  private readonly logger: Logger;

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {
    this.logger = new Logger(`AmqpConnection(${name})`);
  }

  get current(): AmqpSession | null {
    return this.session;
  }

  get isConnected(): boolean {
    return this.session !== null;
  }

  /** Runs on every (re)connect before the session counts as up; a failure reconnects. */
  addSetup(hook: SetupHook): void {
    this.setupHooks.push(hook);
  }

  onUp(listener: Listener): void {
    this.upListeners.push(listener);
  }

  onDown(listener: () => void): void {
    this.downListeners.push(listener);
  }

  /** Starts connecting (idempotent) and resolves once the first session is up. */
  async start(): Promise<AmqpSession> {
    if (this.isClosing) throw new BusClosedError('connect');
    if (this.session) return this.session;
    this.running ??= this.reconnectLoop();
    await this.running;
    if (!this.session) throw new BusClosedError('connect');
    return this.session;
  }

  async close(): Promise<void> {
    this.isClosing = true;
    this.wakeUp?.();
    const session = this.session;
    this.session = null;
    if (!session) return;
    // Close the channel first: amqplib sends Connection.Close ahead of frames still queued on a
    // channel, so closing the connection alone can drop the last acks.
    await session.channel.close().catch(() => undefined);
    await session.connection.close().catch(() => undefined);
  }

  private async reconnectLoop(): Promise<void> {
    try {
      for (let attempt = 0; !this.isClosing && !this.session; attempt++) {
        try {
          await this.connectOnce();
          if (attempt > 0) this.logger.log(`reconnected after ${attempt} failed attempts`);
        } catch (error) {
          const delay = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS * 2 ** Math.min(attempt, 10));
          this.logger.warn(`connect failed (${describeError(error)}); retrying in ${delay} ms`);
          await this.sleep(delay * (0.8 + Math.random() * 0.4));
        }
      }
    } finally {
      this.running = null;
    }
  }

  private async connectOnce(): Promise<void> {
    // Loaded at the first connect: a service without AMQP_URL (the in-process bus) never loads it.
    const { connect } = await import('amqplib');
    const connection = await connect(withHeartbeat(this.url), {
      clientProperties: { connection_name: this.name },
    });
    if (!batchSocketWrites(connection))
      this.logger.warn('amqplib internals changed: each message is written to the socket on its own');
    try {
      const channel = await connection.createConfirmChannel();
      const session: AmqpSession = { connection, channel };
      connection.on('error', (error: Error) => this.logger.warn(`connection error: ${error.message}`));
      connection.on('blocked', (reason: string) => this.logger.warn(`broker blocked publishing: ${reason}`));
      connection.on('close', () => this.drop(session));
      channel.on('error', (error: Error) => this.logger.warn(`channel error: ${error.message}`));
      channel.on('close', () => this.drop(session));
      for (const hook of this.setupHooks) await hook(session);
      if (this.isClosing) throw new BusClosedError('connect');
      this.session = session;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    for (const listener of this.upListeners) listener(this.session);
  }

  private drop(session: AmqpSession): void {
    if (this.session !== session) return;
    this.session = null;
    void session.connection.close().catch(() => undefined);
    for (const listener of this.downListeners) listener();
    if (this.isClosing) return;
    this.logger.warn('lost the broker; reconnecting');
    this.running ??= this.reconnectLoop();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

function withHeartbeat(url: string): string {
  if (/[?&]heartbeat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${DEFAULT_HEARTBEAT_SECONDS}`;
}
