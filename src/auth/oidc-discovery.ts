import { SettingsError } from '../settings/settings-error';

/** What the service takes from an OpenID Provider's `/.well-known/openid-configuration`. */
export interface DiscoveredProvider {
  readonly issuer: string;
  readonly jwksUri: string;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * Checks a discovery document read from `url`. Its `issuer` must be the one the URL was built
 * from (OIDC Discovery 1.0, 4.3: this stops one provider's document from naming another's keys)
 * and JWT_ISSUER when that is set; a mismatch is a SettingsError, anything else a plain Error.
 */
export function readDiscoveryDocument(
  body: unknown,
  url: string,
  configuredIssuer: string | null,
): DiscoveredProvider {
  const document = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { issuer, jwks_uri: jwksUri } = document;
  if (typeof issuer !== 'string' || typeof jwksUri !== 'string')
    throw new Error('response is not an OpenID Connect discovery document (issuer, jwks_uri)');
  if (`${issuer.replace(/\/$/, '')}${DISCOVERY_PATH}` !== url) {
    throw new SettingsError('JWT_VERIFY_KEY', 'is a discovery document whose issuer is another URL');
  }
  if (configuredIssuer !== null && configuredIssuer !== issuer) {
    throw new SettingsError('JWT_ISSUER', 'differs from the issuer of the discovery document');
  }
  let keysUrl: URL;
  try {
    keysUrl = new URL(jwksUri);
  } catch {
    throw new Error('jwks_uri is not a URL');
  }
  // Keys fetched over http would undo the https of the discovery document.
  const allowed = url.startsWith('https:') ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(keysUrl.protocol)) throw new Error(`jwks_uri must use ${allowed.join(' or ')}`);
  return { issuer, jwksUri };
}
