import { cliCommands, httpGetRoutes, settingsTheAppReads } from './app-facts';

describe('app facts', () => {
  it("lists the settings the app's loader reads, from the code", () => {
    const settings = settingsTheAppReads();
    for (const name of [
      'DEBUG',
      'SECRET_KEY',
      'DATABASE_URL',
      'DATABASE_PASSWORD',
      'JWT_SIGN_KEY',
      'BUS_PREFETCH',
    ]) {
      expect(settings).toContain(name);
    }
    expect(settings).not.toContain('PATH');
  });

  it('knows which GET routes the app serves (/metrics is on the metrics port, not the HTTP port)', async () => {
    expect(await httpGetRoutes(['/health/live', '/health/ready', '/metrics', '/health/redy'])).toEqual(
      new Set(['/health/live', '/health/ready']),
    );
  });

  it("lists the CLI's commands", () => {
    expect(cliCommands()).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    expect(cliCommands()).toContain('migrate');
  });
});
