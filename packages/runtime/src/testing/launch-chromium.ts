import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, installed by `scripts/setup-chromium.sh`: tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches headless Chromium for an end-to-end test, or throws saying how to install it (the
 * tests run in CI, where `npm run setup` installs it, so a missing browser is a failure).
 *
 * @example
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run "bash scripts/setup-chromium.sh" (npm run setup does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // No sandbox (containers and CI run as root); no network beyond the test's own server.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
