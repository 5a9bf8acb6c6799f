import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testKeyPair } from '../support/keys';
import { freePort } from '../support/ports';
import { waitFor } from '../support/broker';
import { spawnService } from '../support/spawn-service';

// A spawned process starts in seconds, but a loaded CI machine can take tens of them.
jest.setTimeout(120_000);

describe('shutdown with the broker down', () => {
  it('ends with exit code 0 within SHUTDOWN_TIMEOUT while a publish waits for its confirm', async () => {
    const keys = testKeyPair();
    const deadBroker = await freePort(); // nothing listens there
    const service = spawnService('../test/support/publish-on-start.ts', {
      DEBUG: 'false',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      JWT_SIGN_KEY: keys.privateKey,
      JWT_VERIFY_KEY: keys.publicKey,
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'shutdown-')), 'db.sqlite3')}`,
      MIGRATE_ON_START: 'true',
      AMQP_URL: `amqp://guest:guest@127.0.0.1:${deadBroker}`,
      PORT: String(await freePort()),
      SHUTDOWN_TIMEOUT: '3s',
      LOG_LEVEL: 'info',
    });
    try {
      await waitFor('the pending publish', () => service.output().includes('publish pending'), 90_000);
      service.child.kill('SIGTERM');
      const result = await service.exited(15_000);
      expect(result.stdout + result.stderr).not.toContain('shutdown took longer than');
      // The shutdown timer (SHUTDOWN_TIMEOUT) exits with 1, so 0 means it finished in time.
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('publish failed: PublishTimeoutError');
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
