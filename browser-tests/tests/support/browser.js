// Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, one browser context
// per simulated user, with a fake microphone (a beep every half second) and fake screen capture.

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { TARGET } from "./server.js";

export const SCREENSHOTS = resolve(TARGET, "screenshots");
const EXECUTABLE = process.env.PODIUM_CHROMIUM || "/usr/bin/chromium";

export async function launchBrowser() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // playwright-core gives each launch a new, empty profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    timeout: 60_000,
    args: [
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * A user: a browser context and page of their own. Every `dialog` (alert, confirm, prompt) the
 * page opens is recorded and dismissed; page errors and console errors are kept for failures.
 */
export async function newUser(browser, baseUrl, label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const user = { label, context, page, dialogs: [], pageErrors: [], console: [] };
  page.on("dialog", (d) => {
    user.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("pageerror", (e) => user.pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") {
      user.console.push(`${m.type()}: ${m.text()}`);
    }
  });
  user.baseUrl = baseUrl;
  return user;
}

/** Saves a full-page screenshot of every user's page as target/screenshots/{test}-{label}.png. */
export async function screenshots(testName, users) {
  const slug = testName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  for (const u of users) {
    try {
      await u.page.screenshot({ path: resolve(SCREENSHOTS, `${slug}-${u.label}.png`), fullPage: true, timeout: 10_000 });
    } catch (e) {
      console.error(`screenshot of ${u.label} failed: ${e.message}`);
    }
  }
}

export async function closeUsers(users) {
  for (const u of users) {
    await u.context.close().catch(() => {});
  }
}
