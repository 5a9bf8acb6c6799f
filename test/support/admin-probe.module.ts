import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

/** What the probe handler saw, and whether it accepts messages yet. */
@Injectable()
export class AdminProbe {
  /** Off: every message fails and is parked (no retries in the test's settings). */
  isAccepting = false;
  readonly handled: unknown[] = [];
}

export const ADMIN_PROBE_TOPIC = 'admin-probe.thing';

@Controller()
class AdminProbeController {
  constructor(private readonly probe: AdminProbe) {}

  @EventPattern(ADMIN_PROBE_TOPIC)
  onThing(@Payload() data: unknown): void {
    if (!this.probe.isAccepting) throw new Error('admin probe refuses this message for now');
    this.probe.handled.push(data);
  }
}

/** A bus handler the admin console test turns from poison to healthy, to replay a dead letter. */
@Module({ controllers: [AdminProbeController], providers: [AdminProbe], exports: [AdminProbe] })
export class AdminProbeModule {}
