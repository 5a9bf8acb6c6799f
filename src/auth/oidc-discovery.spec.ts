import { buildSettings, generateTestKeys, TestKeys } from '../../test/factories/token.factory';
import { SettingsError } from '../settings/settings-error';
import { JwtKeysService } from './jwt-keys.service';
import { readDiscoveryDocument } from './oidc-discovery';
import { publicJwkWithKid } from './rsa-keys';

const ISSUER = 'https://sso.example.test/realms/acme';
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const JWKS = `${ISSUER}/protocol/openid-connect/certs`;

describe(readDiscoveryDocument.name, () => {
  it('reads issuer and jwks_uri', () => {
    expect(readDiscoveryDocument({ issuer: ISSUER, jwks_uri: JWKS }, DISCOVERY, null)).toEqual({
      issuer: ISSUER,
      jwksUri: JWKS,
    });
  });

  it("accepts Auth0's issuer, which ends in a slash", () => {
    const issuer = 'https://acme.eu.auth0.com/';
    const url = 'https://acme.eu.auth0.com/.well-known/openid-configuration';
    expect(
      readDiscoveryDocument({ issuer, jwks_uri: `${issuer}.well-known/jwks.json` }, url, issuer).issuer,
    ).toBe(issuer);
  });

  it('refuses a document whose issuer is not the URL it was read from (OIDC Discovery 4.3)', () => {
    const error = catchError(() =>
      readDiscoveryDocument({ issuer: 'https://evil.example.test', jwks_uri: JWKS }, DISCOVERY, null),
    );
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).variable).toBe('JWT_VERIFY_KEY');
  });

  it('refuses a document of another issuer than JWT_ISSUER', () => {
    const error = catchError(() =>
      readDiscoveryDocument(
        { issuer: ISSUER, jwks_uri: JWKS },
        DISCOVERY,
        'https://sso.example.test/realms/other',
      ),
    );
    expect((error as SettingsError).variable).toBe('JWT_ISSUER');
  });

  it.each<[unknown, RegExp]>([
    [null, /not an OpenID Connect discovery document/],
    [{ issuer: ISSUER }, /not an OpenID Connect discovery document/],
    [{ issuer: ISSUER, jwks_uri: 'not a url' }, /jwks_uri is not a URL/],
    [{ issuer: ISSUER, jwks_uri: 'http://sso.example.test/certs' }, /jwks_uri must use https:/],
  ])('refuses %j', (body, message) => {
    expect(() => readDiscoveryDocument(body, DISCOVERY, null)).toThrow(message);
  });
});

describe(`${JwtKeysService.name} with an OIDC discovery URL`, () => {
  let keys: TestKeys;
  let documentIssuer: string;
  let isUp: boolean;
  let fetches: string[];
  const fetchJson = async (url: string): Promise<unknown> => {
    fetches.push(url);
    if (!isUp) throw new Error('connection refused');
    if (url === DISCOVERY) return { issuer: documentIssuer, jwks_uri: JWKS };
    if (url === JWKS) return { keys: [publicJwkWithKid(keys.publicKey)] };
    throw new Error('HTTP 404');
  };
  const settings = (env: Record<string, string> = {}) =>
    buildSettings({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: DISCOVERY,
      JWT_CLAIMS_PRESET: 'keycloak',
      JWKS_REFETCH_INTERVAL: '1',
      ...env,
    });
  const started = async (env?: Record<string, string>) => {
    const service = new JwtKeysService(settings(env), fetchJson);
    await service.onModuleInit();
    return service;
  };

  beforeAll(async () => {
    keys = await generateTestKeys();
  });
  beforeEach(() => {
    documentIssuer = ISSUER;
    isUp = true;
    fetches = [];
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads the JWKS the document names, and requires the discovered issuer', async () => {
    const service = await started();
    expect(fetches).toEqual([DISCOVERY, JWKS]);
    expect(await service.keyFor(keys.kid)).not.toBeNull();
    expect(service.expectedIssuer).toBe(ISSUER);
  });

  it('stops start-up when the document names another issuer than JWT_ISSUER', async () => {
    documentIssuer = ISSUER;
    await expect(started({ JWT_ISSUER: 'https://sso.example.test/realms/other' })).rejects.toThrow(
      'JWT_ISSUER differs from the issuer of the discovery document',
    );
  });

  it('starts while the provider is down, then reads the document on the next rate-limited attempt', async () => {
    isUp = false;
    const service = await started();
    expect(service.expectedIssuer).toBeNull();
    expect(await service.keyFor(keys.kid)).toBeNull(); // within the refetch interval: no new attempt
    expect(fetches).toEqual([DISCOVERY]);
    isUp = true;
    const realNow = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(realNow + 1001);
    expect(await service.keyFor(keys.kid)).not.toBeNull();
    expect(fetches).toEqual([DISCOVERY, DISCOVERY, JWKS]);
    expect(service.expectedIssuer).toBe(ISSUER);
  });

  it('keeps refusing tokens when a document read after start names another issuer', async () => {
    isUp = false;
    const service = await started({ JWT_ISSUER: ISSUER });
    isUp = true;
    documentIssuer = 'https://sso.example.test/realms/other';
    const realNow = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(realNow + 1001);
    expect(await service.keyFor(keys.kid)).toBeNull();
    expect(fetches).toEqual([DISCOVERY, DISCOVERY]); // its JWKS is never read
  });

  it('keeps JWT_ISSUER as the expected issuer when both are set and agree', async () => {
    expect((await started({ JWT_ISSUER: ISSUER })).expectedIssuer).toBe(ISSUER);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
