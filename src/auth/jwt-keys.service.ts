import { createPublicKey, KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { isDiscoveryUrl } from '../settings/identity-provider.schema';
import { SettingsError } from '../settings/settings-error';
import { Settings, SETTINGS } from '../settings/settings';
import { readDiscoveryDocument } from './oidc-discovery';
import {
  assertStrongRsaKey,
  loadOrCreateDevKeyPair,
  privateKeyFromPem,
  publicJwkWithKid,
  publicKeyFromPem,
  RsaPublicJwk,
  rsaJwkThumbprint,
  splitPemBlocks,
} from './rsa-keys';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

/** A trusted verification key and the kid it is known by. */
export interface TrustedKey {
  readonly kid: string;
  readonly key: KeyObject;
}

/** Told which kids a JWKS refetch no longer lists. */
export type KeysRemovedListener = (kids: ReadonlySet<string>) => void;

/** Reads a JWKS URL; replaceable so a test can count fetches. */
export type JwksFetch = (url: string) => Promise<unknown>;
export const JWKS_FETCH = Symbol('JWKS_FETCH');

const JWKS_FETCH_TIMEOUT_MS = 5000;
// A JWKS is re-read at least this often, so a key removed by the login service stops working.
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
const SIGNING_ALGORITHMS = new Set([undefined, 'RS256', 'RS512']);

/**
 * The keys this service signs and verifies with, from JWT_SIGN_KEY / JWT_VERIFY_KEY, or
 * development keys in DEBUG. JWT_VERIFY_KEY may be PEM public keys or a JWKS URL; a JWKS is
 * fetched at start, cached, and fetched again (rate limited) when a token names an unknown kid.
 */
@Injectable()
export class JwtKeysService implements OnModuleInit {
  private readonly logger = new Logger(JwtKeysService.name);
  private signing: SigningKey | null = null;
  private readonly localKeys = new Map<string, { key: KeyObject; jwk: RsaPublicJwk }>();
  private remoteKeys = new Map<string, KeyObject>();
  private jwksUrl: string | null = null;
  /** JWT_VERIFY_KEY when it is an OIDC discovery URL: the JWKS URL is read from it. */
  private discoveryUrl: string | null = null;
  private discoveredIssuer: string | null = null;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly removedListeners: KeysRemovedListener[] = [];

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Optional() @Inject(JWKS_FETCH) private readonly fetchJson: JwksFetch = fetchJsonWithTimeout,
  ) {}

  async onModuleInit(): Promise<void> {
    const { jwtSignKey, jwtVerifyKey, debug } = this.settings;
    if ((jwtSignKey === null || jwtVerifyKey === null) && !debug) {
      throw new SettingsError(
        jwtSignKey === null ? 'JWT_SIGN_KEY' : 'JWT_VERIFY_KEY',
        'is required when DEBUG is off',
      );
    }
    // A configured signing key is trusted for verification by itself; development keys fill
    // in only what is missing (a verify-only dev service reads the login service's .dev-keys).
    const needsDevKeys = jwtSignKey === null || (jwtVerifyKey === null && jwtSignKey === false);
    const dev = needsDevKeys ? await loadOrCreateDevKeyPair(this.settings.auth.devKeysDir) : null;
    if (dev) this.logger.warn(`using development keys from ${this.settings.auth.devKeysDir} (DEBUG only)`);

    const signPem = jwtSignKey === null ? dev!.privatePem : jwtSignKey;
    if (signPem !== false) {
      const privateKey = keyOrSettingsError('JWT_SIGN_KEY', () => privateKeyFromPem(signPem));
      // The login service always accepts its own tokens, whatever else it trusts.
      const kid = this.addLocalKey(createPublicKey(privateKey));
      this.signing = { kid, privateKey };
    }

    const verifyValue = jwtVerifyKey ?? dev?.publicPem ?? '';
    if (isDiscoveryUrl(verifyValue)) {
      this.discoveryUrl = verifyValue;
      await this.refreshJwks(true);
    } else if (/^https?:\/\//i.test(verifyValue)) {
      this.jwksUrl = verifyValue;
      await this.refreshJwks(true);
    } else {
      for (const pem of splitPemBlocks(verifyValue)) {
        this.addLocalKey(keyOrSettingsError('JWT_VERIFY_KEY', () => publicKeyFromPem(pem)));
      }
    }
  }

  /** True when this is a login service (JWT_SIGN_KEY is a key, not 0). */
  get canSign(): boolean {
    return this.signing !== null;
  }

  /** The `iss` every token must carry: JWT_ISSUER, else the discovery document's; null → unchecked. */
  get expectedIssuer(): string | null {
    return this.settings.identityProvider.issuer ?? this.discoveredIssuer;
  }

  get signingKey(): SigningKey {
    if (!this.signing) throw new Error('this service is verify-only (JWT_SIGN_KEY=0)');
    return this.signing;
  }

  /**
   * The trusted key for a token's `kid`, or null when no trusted key has it. A token without
   * a `kid` (issued by the Django service) is accepted only while exactly one key is trusted.
   */
  async keyFor(kid: string | undefined): Promise<TrustedKey | null> {
    if (kid === undefined) {
      const all: TrustedKey[] = [...this.localKeys.entries()]
        .map(([id, entry]) => ({ kid: id, key: entry.key }))
        .concat([...this.remoteKeys.entries()].map(([id, key]) => ({ kid: id, key })));
      return all.length === 1 ? all[0] : null;
    }
    const known = this.localKeys.get(kid)?.key ?? this.remoteKeys.get(kid);
    if (known) {
      if (this.isRemote && Date.now() - this.lastSuccessAt > JWKS_MAX_AGE_MS) void this.refreshJwks(false);
      return { kid, key: known };
    }
    if (!this.isRemote) return null;
    await this.refreshJwks(false);
    const fetched = this.remoteKeys.get(kid);
    return fetched ? { kid, key: fetched } : null;
  }

  /** Called after a JWKS refetch that dropped keys, so what they verified can be forgotten. */
  onKeysRemoved(listener: KeysRemovedListener): void {
    this.removedListeners.push(listener);
  }

  /** What `GET /.well-known/jwks.json` publishes: every public key configured here. */
  publicJwks(): { keys: RsaPublicJwk[] } {
    return { keys: [...this.localKeys.values()].map((entry) => entry.jwk) };
  }

  private get isRemote(): boolean {
    return this.jwksUrl !== null || this.discoveryUrl !== null;
  }

  private addLocalKey(publicKey: KeyObject): string {
    const jwk = publicJwkWithKid(publicKey);
    this.localKeys.set(jwk.kid, { key: publicKey, jwk });
    return jwk.kid;
  }

  private refreshJwks(force: boolean): Promise<void> {
    if (this.inflight) return this.inflight;
    const intervalMs = this.settings.auth.jwksRefetchIntervalSeconds * 1000;
    // Unknown kids are attacker-controlled: without this limit each forged token is a fetch.
    if (!force && Date.now() - this.lastFetchAt < intervalMs) return Promise.resolve();
    this.lastFetchAt = Date.now();
    this.inflight = this.fetchJwks(force).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchJwks(atStart: boolean): Promise<void> {
    let url = this.jwksUrl ?? this.discoveryUrl!;
    try {
      // Until a discovery document has been read, each attempt starts with it.
      if (this.jwksUrl === null) {
        const discovered = readDiscoveryDocument(
          await this.fetchJson(url),
          url,
          this.settings.identityProvider.issuer,
        );
        this.discoveredIssuer = discovered.issuer;
        this.jwksUrl = url = discovered.jwksUri;
      }
      const body = await this.fetchJson(url);
      const keys = parseJwks(body);
      const removed = new Set([...this.remoteKeys.keys()].filter((kid) => !keys.has(kid)));
      this.remoteKeys = keys;
      this.lastSuccessAt = Date.now();
      this.logger.log(`loaded ${keys.size} key(s) from ${url}`);
      if (removed.size > 0) {
        this.logger.warn(
          `key(s) no longer in the JWKS, their tokens are refused: ${[...removed].join(', ')}`,
        );
        for (const listener of this.removedListeners) listener(removed);
      }
    } catch (error) {
      // A provider that names another issuer is a wrong setting, not an outage: stop start-up,
      // or, found later (the provider was down at start), keep refusing its tokens loudly.
      if (error instanceof SettingsError) {
        if (atStart) throw error;
        this.logger.error(`refusing the discovery document at ${url}: ${error.message}`);
        return;
      }
      // Keep the keys we have: a login service that is briefly down must not log everyone out.
      this.logger.warn(`could not load JWKS from ${url}: ${(error as Error).message}`);
    }
  }
}

function keyOrSettingsError(variable: string, read: () => KeyObject): KeyObject {
  try {
    return read();
  } catch (error) {
    const reason = (error as Error).message.startsWith('must')
      ? (error as Error).message
      : 'is not a readable PEM key';
    throw new SettingsError(variable, reason);
  }
}

/** A JWKS entry as read, not yet checked (createPublicKey refuses an n or e that is not RSA's). */
interface JwkEntry {
  kty?: string;
  use?: string;
  alg?: string;
  kid?: string;
  n?: string;
  e?: string;
}

function parseJwks(body: unknown): Map<string, KeyObject> {
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error('response is not a JWK set');
  const keys = new Map<string, KeyObject>();
  for (const entry of list as JwkEntry[]) {
    if (entry.kty !== 'RSA' || (entry.use !== undefined && entry.use !== 'sig')) continue;
    if (!SIGNING_ALGORITHMS.has(entry.alg)) continue;
    try {
      const key = createPublicKey({ key: { kty: 'RSA', n: entry.n, e: entry.e }, format: 'jwk' });
      assertStrongRsaKey(key);
      keys.set(entry.kid ?? rsaJwkThumbprint({ n: entry.n!, e: entry.e! }), key);
    } catch {
      continue; // one bad entry must not hide the good ones
    }
  }
  return keys;
}

async function fetchJsonWithTimeout(url: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    redirect: 'error',
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}
