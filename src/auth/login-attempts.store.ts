import { LRUCache } from 'lru-cache';

/** The three counts a login attempt is checked against, in the order they are checked. */
export type LoginLimitKind = 'client' | 'client-username' | 'username';

export interface AttemptWindow {
  /** Attempts in the current window, this one included. */
  readonly count: number;
  /** When the window ends (ms since the epoch). */
  readonly resetAtMs: number;
}

/** Counts attempts per key in fixed windows; `database` and `memory` implement it. */
export interface LoginAttemptsStore {
  /** Counts one attempt for `key` and returns its window (a new window once the old one ended). */
  hit(kind: LoginLimitKind, key: string, windowMs: number): Promise<AttemptWindow>;
}

export const LOGIN_ATTEMPTS_STORE = Symbol('LOGIN_ATTEMPTS_STORE');

// Bounded so a flood of distinct usernames or addresses cannot grow memory without limit.
const MAX_KEYS_PER_KIND = 100_000;

interface MutableWindow {
  count: number;
  readonly resetAtMs: number;
}

/**
 * One process's counts (SQLite, a single replica). Each kind has its own LRU, so a flood of junk
 * usernames (each a new `username` and `client-username` entry) cannot evict the window of a
 * client that is already over its limit.
 */
export class MemoryLoginAttemptsStore implements LoginAttemptsStore {
  private readonly windows = new Map<LoginLimitKind, LRUCache<string, MutableWindow>>();

  constructor(private readonly maxKeysPerKind = MAX_KEYS_PER_KIND) {}

  hit(kind: LoginLimitKind, key: string, windowMs: number): Promise<AttemptWindow> {
    const now = Date.now();
    const store = this.storeFor(kind);
    let window = store.get(key);
    if (!window || window.resetAtMs <= now) {
      window = { count: 0, resetAtMs: now + windowMs };
      store.set(key, window);
    }
    window.count += 1;
    return Promise.resolve({ count: window.count, resetAtMs: window.resetAtMs });
  }

  /** Keys held for `kind` (for tests and metrics). */
  size(kind: LoginLimitKind): number {
    return this.windows.get(kind)?.size ?? 0;
  }

  private storeFor(kind: LoginLimitKind): LRUCache<string, MutableWindow> {
    let store = this.windows.get(kind);
    if (!store) {
      store = new LRUCache<string, MutableWindow>({ max: this.maxKeysPerKind });
      this.windows.set(kind, store);
    }
    return store;
  }
}
