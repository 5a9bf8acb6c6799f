import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How long after the last correlation scope closes the storage is turned off (see
 * CorrelationScopes). Work a request or message left running (a publish nobody awaits, a
 * reconnect it triggered) keeps its correlation id for this long after the scope closed.
 */
export const CORRELATION_IDLE_MS = 5_000;

/**
 * The correlation id of the work in hand: the HTTP request id while a request is handled, the
 * message's correlation id while a bus handler runs, a sync event's `correlation_id` while a
 * replica applies it. What is published meanwhile carries it on, and every log line shows it
 * (`correlation_id`), without anyone passing it along by hand.
 *
 * An `AsyncLocalStorage` on Node 20 and 22 works through Node's promise hooks, and once turned on
 * they run for every promise of the process, reads that never enter a scope included: a
 * `GET /api/me` cost 1.29× the CPU after the first write than before it (README, Speed and
 * memory). So the scopes are counted, and once none has been open for `idleMs` the storage is
 * turned off (which turns the hooks off), and on again by the next scope. The cost: work that
 * outlives its scope by more than `idleMs` while no other scope is open logs and publishes
 * without the id from then on, never with another scope's id (correlation.spec checks both).
 * Where the storage needs no hooks (Node 24, Node 22 with --experimental-async-context-frame)
 * it is never turned off: there is nothing to save, and `disable()` means something else there.
 */
export class CorrelationScopes {
  private readonly storage = new AsyncLocalStorage<string>();
  private readonly canTurnOff: boolean;
  private openScopes = 0;
  private lastClosedAt = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private turnedOn = false;

  constructor(
    private readonly idleMs = CORRELATION_IDLE_MS,
    storageUsesPromiseHooks = usesPromiseHooks(AsyncLocalStorage),
  ) {
    this.canTurnOff = storageUsesPromiseHooks;
  }

  /** The correlation id of the work in hand, if any. */
  current(): string | undefined {
    return this.storage.getStore();
  }

  /** Whether the storage is on (and with it, where it works through them, Node's promise hooks). */
  get isOn(): boolean {
    return this.turnedOn;
  }

  /** Runs `work` with `id` as the correlation id; the scope is open until its promise settles. */
  run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const close = this.open();
    let result: Promise<T>;
    try {
      result = this.storage.run(id, work);
    } catch (error) {
      close();
      throw error;
    }
    return result.finally(close);
  }

  /**
   * Opens a scope that stays open until the returned function is called (once; later calls do
   * nothing): an HTTP request's, from its first hook until its response closes. `enter()` then
   * runs each of its phases inside it.
   */
  open(): () => void {
    this.openScopes += 1;
    this.turnedOn = true;
    let isClosed = false;
    return () => {
      if (isClosed) return;
      isClosed = true;
      this.closeOne();
    };
  }

  /** Runs `next` (synchronously) with `id` as the correlation id, inside a scope `open()` holds. */
  enter(id: string, next: () => void): void {
    this.storage.run(id, next);
  }

  private closeOne(): void {
    this.openScopes -= 1;
    if (this.openScopes > 0 || !this.canTurnOff) return;
    this.lastClosedAt = performance.now();
    this.idleTimer ??= this.turnOffIn(this.idleMs);
  }

  private turnOffIn(ms: number): NodeJS.Timeout {
    // One timer per idle period, not one per closed scope; it never keeps the process alive.
    return setTimeout(() => this.turnOffIfIdle(), ms).unref();
  }

  private turnOffIfIdle(): void {
    this.idleTimer = null;
    if (this.openScopes > 0) return; // the scope open now will schedule it when it closes
    const idleFor = performance.now() - this.lastClosedAt;
    if (idleFor < this.idleMs) {
      this.idleTimer = this.turnOffIn(this.idleMs - idleFor);
      return;
    }
    this.storage.disable();
    this.turnedOn = false;
  }
}

/**
 * Whether `AsyncLocalStorage` propagates its stores through async hooks (Node 20, Node 22 by
 * default) rather than through the async context frame (Node 24, Node 22 with
 * --experimental-async-context-frame). Only the hook-based one has `_propagate`, the init hook's
 * callback; should a later Node drop or rename it, the storage is simply never turned off.
 */
export function usesPromiseHooks(storageClass: typeof AsyncLocalStorage): boolean {
  return typeof (storageClass.prototype as { _propagate?: unknown })._propagate === 'function';
}

/** The process's correlation scopes. */
export const correlation = new CorrelationScopes();

export function currentCorrelationId(): string | undefined {
  return correlation.current();
}
