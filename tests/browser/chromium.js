// Starts the Debian Chromium headless through playwright-core (no browser download
// is possible here), with the flags that keep it off the closed network.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// (client-hidden-tab.js starts it with these too, without Playwright)
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Starts it; `flags` are added to CHROMIUM_FLAGS (the dashboard bench adds --enable-precise-memory-info). */
export async function launchChromium({ flags = [] } = {}) {
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, ...flags] });
  const pid = server.process().pid;
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    pid,
    async close() {
      await browser.close().catch(() => {});
      await server.close().catch(() => {});
      // Make sure nothing is left behind if close() did not finish the job.
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
