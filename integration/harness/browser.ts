import { type Browser, chromium } from 'playwright-core';
import { ensureAptPackages } from './ensure-apt-packages.js';
import { harnessEnv } from './harness-env.js';

/**
 * Makes Debian's `chromium` available (apt-get when missing, never a downloaded browser); the
 * global setup calls it once per run, beside the brokers, so parallel test files never race dpkg.
 */
export function ensureChromium(): Promise<string> {
  return ensureAptPackages('chromium', ['chromium']);
}

/**
 * Headless Chromium from the global setup, with the flags that keep it quiet on a closed network
 * (docs of the test machine). Playwright gives each launch a fresh profile directory. Throws, saying
 * why, when the setup could not install it: a browser test never skips.
 */
export async function launchChromium(): Promise<Browser> {
  const found = process.env[harnessEnv.chromium];
  if (!found || found.startsWith('error: ')) {
    throw new Error(
      `Chromium is not available for the browser tests: ${found?.slice('error: '.length) ?? 'run under the integration project, whose global setup installs it'}`,
    );
  }
  return chromium.launch({
    executablePath: found,
    headless: true,
    args: [
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
