import { Inject, Injectable } from '@nestjs/common';
import { ReadinessCheck } from '../platform/readiness-check';
import { BusClient } from './bus.client';
import { BUS_CLIENT } from './bus.constants';

/** Anything with a broker connection the service cannot work without. */
export interface BrokerLink {
  readonly isConnected: boolean;
}

export class BrokerDownError extends Error {
  constructor(readonly parts: readonly string[]) {
    super(`broker connection down: ${parts.join(', ')}`);
    this.name = 'BrokerDownError';
  }
}

/**
 * `broker` in `/health/ready`: up when the publishing connection and every consuming server have
 * a live connection and channel. In-process it is always up. Not critical: a broker outage shows
 * in the body and in metrics but keeps the pods in the Service (DESIGN.md "HTTP surface").
 */
@Injectable()
export class BusReadinessCheck implements ReadinessCheck {
  readonly name = 'broker';
  readonly isCritical = false;
  private readonly servers: BrokerLink[] = [];

  constructor(@Inject(BUS_CLIENT) private readonly client: BusClient) {}

  /** `createBusServer` registers the server here so a dead consumer makes the pod unready. */
  watch(server: BrokerLink): void {
    this.servers.push(server);
  }

  async check(): Promise<Record<string, unknown>> {
    const down: string[] = [];
    if (!this.client.isConnected) down.push('publisher');
    if (this.servers.some((server) => !server.isConnected)) down.push('consumer');
    if (down.length > 0) throw new BrokerDownError(down);
    return { publisher: 'up', consumers: this.servers.length };
  }
}
