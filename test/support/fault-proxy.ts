import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy between one app process and a shared server (RabbitMQ, PostgreSQL) that a test can
 * cut and restore, so a fault reaches only that app: the shared server keeps running for every
 * other test on the machine. While cut, the proxy keeps its port (so the app reconnects to the
 * same address later) but resets every connection at once, as a broker that is down looks.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private isCut = false;
  /** Connections accepted and forwarded since start (a cut one does not count). */
  connectionsForwarded = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /** Listens on a free loopback port; returns it. */
  async start(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.port;
  }

  get port(): number {
    const address = this.server?.address();
    if (!address || typeof address !== 'object') throw new Error('the fault proxy is not listening');
    return address.port;
  }

  /** Drops every open connection and resets new ones until `restore()`. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  get isOpen(): boolean {
    return !this.isCut;
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.isCut) {
      client.resetAndDestroy();
      return;
    }
    this.connectionsForwarded++;
    const upstream = new Socket();
    upstream.on('error', () => undefined);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.connect(this.targetPort, this.targetHost);
    client.pipe(upstream).pipe(client);
  }
}
