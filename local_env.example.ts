/**
 * Copy to local_env.ts (git-ignored) to configure this checkout without exporting variables.
 * Values here win over the environment; anything left out is read from the environment.
 * Every name is documented in the README's settings tables.
 */
const localEnv: Record<string, string | number | boolean | null> = {
  DEBUG: true,
  // SECRET_KEY: 'at least 32 characters; required when DEBUG is off',
  DATABASE_URL: 'sqlite:///db.sqlite3',
  // DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  // DATABASE_PASSWORD: 'overrides the password in DATABASE_URL',
  // REQUEST_TIMEOUT: '30s', // unanswered requests get 503 after this
  // DATABASE_CONNECT_TIMEOUT: '5s', // shorter than REQUEST_TIMEOUT
  // DATABASE_QUERY_TIMEOUT: '60s',
  ALLOWED_HOSTS: 'localhost,127.0.0.1',
  PORT: 8000,
  // SERVICE_NAME: 'microservice',
  // LOG_LEVEL: 'debug',
  // SHUTDOWN_DELAY: '5s',     // SIGTERM keeps serving (readiness 503) this long; 0s in DEBUG
  // SHUTDOWN_TIMEOUT: '25s',  // then the drain may take this long

  // Message bus: unset or null → in-process bus.
  // AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672/',
  // AMQP_EXCHANGE: 'events',
  // BUS_PREFETCH: 50,
  // BUS_RETRY_DELAYS: '1s,10s,60s',
  // BUS_HANDLER_TIMEOUT: '60s',  // a handler running longer has failed (retried, then parked)
  // BUS_MAX_DELIVERIES: 5,       // a message that kills the process is parked after this many

  // Tokens: unset in DEBUG → development keys in .dev-keys/.
  // JWT_VERIFY_KEY: '-----BEGIN PUBLIC KEY-----\n…',   // or a JWKS URL
  // JWT_SIGN_KEY: '-----BEGIN PRIVATE KEY-----\n…',    // or 0 for a verify-only service
  // JWT_ACCESS_TTL: '5m',
  // JWT_REFRESH_TTL: '1d',
  // JWT_ISSUER: 'https://login.example.com',   // signed as iss and required of every token
  // JWT_AUDIENCE: 'orders-api',                // signed as aud and required of every token

  // An external identity provider (README "Using an external identity provider"), verify-only:
  // JWT_SIGN_KEY: 0,
  // JWT_VERIFY_KEY: 'https://sso.example.com/realms/acme/.well-known/openid-configuration',
  // JWT_CLAIMS_PRESET: 'keycloak',             // template (default), keycloak or auth0
  // JWT_CLAIM_USER_ID: 'sub',
  // JWT_CLAIM_USERNAME: 'preferred_username',
  // JWT_CLAIM_ROLES: 'realm_access.roles,resource_access.orders-api.roles',  // auth0: '["https://example.com/roles"]'

  // Admin console at /admin (README "Admin console"): on in DEBUG, off otherwise.
  // ADMIN_ENABLED: true,
  // ADMIN_SESSION_TTL: '8h',
};

export default localEnv;
