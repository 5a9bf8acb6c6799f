import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { publicJwkWithKid } from '../../src/auth/rsa-keys';
import { TestKeys } from '../factories/token.factory';

/** Where a provider serves its documents: Keycloak per realm, Auth0 at the tenant's root. */
export interface ProviderLayout {
  /** The issuer's path: `/realms/test` (Keycloak) or `/` (Auth0, whose issuer ends in a slash). */
  readonly issuerPath: string;
  readonly jwksPath: string;
}

export const KEYCLOAK_LAYOUT: ProviderLayout = {
  issuerPath: '/realms/test',
  jwksPath: '/realms/test/protocol/openid-connect/certs',
};
export const AUTH0_LAYOUT: ProviderLayout = { issuerPath: '/', jwksPath: '/.well-known/jwks.json' };

/**
 * A stand-in OpenID Provider on 127.0.0.1: a discovery document and a JWKS over real HTTP, with
 * the served keys, its availability and the discovery's `issuer` changeable by the test.
 */
export interface OidcProvider {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUrl: string;
  /** The keys the JWKS lists. */
  keys: TestKeys[];
  /** false → every request answers 503. */
  isUp: boolean;
  /** What the discovery document says the issuer is (its real one unless a test lies). */
  documentIssuer: string;
  readonly fetches: { discovery: number; jwks: number };
  close(): Promise<void>;
}

export async function startOidcProvider(layout: ProviderLayout, keys: TestKeys[]): Promise<OidcProvider> {
  // Requests arrive only after listen(), when the provider below exists.
  const self: { provider?: OidcProvider } = {};
  const server = createServer((request, response) => {
    const provider = self.provider;
    const send = (status: number, body: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(body));
    };
    if (!provider?.isUp) return send(503, { error: 'unavailable' });
    const path = new URL(request.url ?? '/', provider.issuer).pathname;
    if (path === new URL(provider.discoveryUrl).pathname) {
      provider.fetches.discovery += 1;
      return send(200, {
        issuer: provider.documentIssuer,
        jwks_uri: provider.jwksUrl,
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
      });
    }
    if (path === layout.jwksPath) {
      provider.fetches.jwks += 1;
      send(200, { keys: provider.keys.map((key) => publicJwkWithKid(key.publicKey)) });
      return;
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${layout.issuerPath}`;
  const provider: OidcProvider = {
    issuer,
    discoveryUrl: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    jwksUrl: `${origin}${layout.jwksPath}`,
    keys,
    isUp: true,
    documentIssuer: issuer,
    fetches: { discovery: 0, jwks: 0 },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  self.provider = provider;
  return provider;
}
