import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { rabbitmqctl, sleep } from './broker';

/**
 * A RabbitMQ virtual host of one test (or benchmark) run on the shared broker, with `guest`
 * allowed in it. Data sync's exchange and routing keys are fixed (`cqrs`, `<cqrs_id>`), so on the
 * default vhost every run's `item` and `user` events would reach every other run's replicas; in
 * a vhost of its own a run neither sees nor disturbs them. Deleting it deletes all it holds.
 */
export class PrivateVhost {
  constructor(readonly name: string) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`vhost name must be URL-safe: ${name}`);
  }

  /** The broker URL for this vhost (port defaults to the broker's; a proxy passes its own). */
  url(port = 5672): string {
    return `amqp://guest:guest@127.0.0.1:${port}/${this.name}`;
  }

  /**
   * One rabbitmqctl call (each costs seconds): the vhost and guest's permissions as definitions.
   * `policies` (name → definition, applied to every queue of the vhost) go in the same call.
   */
  async create(policies: Record<string, Record<string, unknown>> = {}): Promise<void> {
    // Readable by all: the rabbitmqctl wrapper runs as the broker's user, which reads the file.
    const file = join(tmpdir(), `${this.name}.definitions.json`);
    writeFileSync(
      file,
      JSON.stringify({
        vhosts: [{ name: this.name }],
        permissions: [{ user: 'guest', vhost: this.name, configure: '.*', write: '.*', read: '.*' }],
        policies: Object.entries(policies).map(([name, definition]) => ({
          vhost: this.name,
          name,
          pattern: '.*',
          'apply-to': 'queues',
          definition,
          priority: 0,
        })),
      }),
      { mode: 0o644 },
    );
    try {
      await rabbitmqctl('import_definitions', file);
    } finally {
      rmSync(file, { force: true });
    }
    await this.waitUntilOpen();
  }

  async delete(): Promise<void> {
    await rabbitmqctl('delete_vhost', this.name).catch(() => undefined);
  }

  /** The import finishes asynchronously: wait (bounded) until guest can open a connection in it. */
  private async waitUntilOpen(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const connection = await connect(this.url());
        await connection.close();
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`vhost ${this.name} did not open: ${(error as Error).message}`);
        await sleep(100);
      }
    }
  }
}
