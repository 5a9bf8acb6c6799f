import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from './browser';

/** Where the console test leaves its screenshots (git-ignored; CI keeps them as artefacts). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'admin');

// Read as a file: importing axe-core in Node wants a window it does not have.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Debian's Chromium driven by playwright-core (no browser download): a fresh browser context each
 * (its own cookies, storage and cache, as a new profile has), in one Chromium process per test
 * file, launched on first use; stop it with AdminBrowser.shutdown() in an afterAll.
 */
export class AdminBrowser {
  private static chromium: Promise<Browser> | undefined;

  private constructor(readonly context: BrowserContext) {}

  static async launch(executablePath: string, options: { javaScript?: boolean } = {}): Promise<AdminBrowser> {
    AdminBrowser.chromium ??= chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      timeout: 60_000,
    });
    const browser = await AdminBrowser.chromium;
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScript ?? true,
      viewport: { width: 1000, height: 700 },
    });
    context.setDefaultTimeout(15_000);
    return new AdminBrowser(context);
  }

  /** Closes the Chromium process the contexts ran in. */
  static async shutdown(): Promise<void> {
    const browser = AdminBrowser.chromium;
    AdminBrowser.chromium = undefined;
    await (await browser?.catch(() => undefined))?.close();
  }

  async page(): Promise<Page> {
    return this.context.pages()[0] ?? (await this.context.newPage());
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
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
