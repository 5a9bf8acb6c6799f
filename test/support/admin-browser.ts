import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from './browser';

/** Where the console test leaves its screenshots (git-ignored; CI keeps them as artefacts). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'admin');

// Read as a file: importing axe-core in Node wants a window it does not have.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium driven by playwright-core (no browser download), in a fresh profile. */
export class AdminBrowser {
  private constructor(
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(executablePath: string, options: { javaScript?: boolean } = {}): Promise<AdminBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'm8e-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      javaScriptEnabled: options.javaScript ?? true,
      viewport: { width: 1000, height: 700 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(15_000);
    return new AdminBrowser(context, profile);
  }

  async page(): Promise<Page> {
    return this.context.pages()[0] ?? (await this.context.newPage());
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/**
 * axe-core run in the page (evaluated through the DevTools protocol, which the page's CSP does
 * not govern, so the console's own CSP stays as it ships): the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
    return axe.run();
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
