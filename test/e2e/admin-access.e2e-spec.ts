import { issueAccessToken } from '../factories/token.factory';
import { testKeyPair } from '../support/keys';
import { startTestApp, TestApp } from '../support/test-app';

/** The cookies a response sets, as `name=value` pairs for the next request's Cookie header. */
function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
}

function csrfOf(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('the page has no CSRF field');
  return token;
}

describe('admin console: off by default, and on a verify-only service', () => {
  let loginService: TestApp;
  let verifyOnly: TestApp;

  beforeAll(async () => {
    // DEBUG is off in the test settings: the console is off unless asked for.
    loginService = await startTestApp();
    verifyOnly = await startTestApp({
      ADMIN_ENABLED: 'true',
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: testKeyPair().publicKey,
    });
  });
  afterAll(async () => {
    await verifyOnly?.close();
    await loginService?.close();
  });

  it('is not there at all when ADMIN_ENABLED is off', async () => {
    for (const path of ['/admin', '/admin/login', '/admin/users']) {
      expect((await loginService.request(path)).status).toBe(404);
    }
  });

  /** The login form's cookie and CSRF token, then the pasted token posted with them. */
  async function pasteToken(token: string): Promise<Response> {
    const form = await verifyOnly.request('/admin/login');
    const page = await form.text();
    expect(page).toContain('Access token');
    expect(page).not.toContain('Password');
    return verifyOnly.request('/admin/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookiesOf(form).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, _csrf: csrfOf(page) }).toString(),
    });
  }

  it("takes an admin's access token from the login service once, then its own session cookie", async () => {
    const answer = await pasteToken(await issueAccessToken(loginService, ['admin'], 'ops'));
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/admin/users');
    const session = answer.headers.getSetCookie().find((cookie) => cookie.startsWith('admin_session='));
    expect(session).toMatch(/; Path=\/admin; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$/);
    const users = await verifyOnly.request('/admin/users', { headers: { cookie: session!.split(';')[0] } });
    expect(users.status).toBe(200);
    const page = await users.text();
    expect(page).toContain('mastered by the login service');
    // The replica of the login service's users, read-only: no forms that would change them.
    expect(page).toMatch(/<caption>\d+ users \(replica\)<\/caption>/);
    expect(page).not.toContain('Deactivate');
    expect(page).not.toContain('Create a user');
  });

  it('refuses a token without the admin role, and one that does not verify', async () => {
    expect((await pasteToken(await issueAccessToken(loginService, ['items:write']))).status).toBe(403);
    const forged = `${(await issueAccessToken(loginService, ['admin'])).slice(0, -4)}AAAA`;
    expect((await pasteToken(forged)).status).toBe(401);
  });
});
