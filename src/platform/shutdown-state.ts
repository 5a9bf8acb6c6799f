import { Global, Module } from '@nestjs/common';

/**
 * Whether SIGTERM has started the shutdown. Readiness answers 503 from that moment and every
 * HTTP response asks its client to reconnect (`Connection: close`), while the server still
 * answers everything for SHUTDOWN_DELAY: load balancers and kept-alive clients move off before
 * the server stops accepting (see lifecycle.ts).
 */
export class ShutdownState {
  private startedAt: number | null = null;

  begin(): void {
    this.startedAt ??= Date.now();
  }

  get draining(): boolean {
    return this.startedAt !== null;
  }
}

@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class ShutdownModule {}
