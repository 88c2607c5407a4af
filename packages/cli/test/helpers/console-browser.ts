// Debian's chromium (/usr/bin/chromium, installed by .ci/run) driven by playwright-core, headless, with a
// fresh profile; a failed test leaves a screenshot of its page under test-artifacts/console/ (git-ignored).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './onramp-process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO_ROOT, 'test-artifacts', 'console');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A page in a new headless browser; `shot(name)` keeps a screenshot and returns its path. */
export async function openBrowser(t: Test): Promise<{ page: Page; shot(name: string): Promise<string> }> {
  const profile = await mkdtemp(join(tmpdir(), 'onramp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const shot = async (name: string) => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  t.teardown(async () => {
    if (!t.passing()) {
      const path = await shot(`failed-${t.name.replace(/\W+/g, '-').slice(0, 60)}-${Date.now()}`).catch((error: unknown) => `none (${String(error)})`);
      console.error(`console browser test failed at ${page.url()}; screenshot: ${path}`);
    }
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  return { page, shot };
}
