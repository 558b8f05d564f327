// The web client in real headless Chromium against a running all-in-one: the seven scenarios of
// issue 5, plus the HTTP routes that serve the client. Each scenario makes its own event and
// users (one browser context each) and saves a screenshot of every page at its end under
// target/screenshots/.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { closeUsers, launchBrowser, newUser, screenshots } from "./support/browser.js";
import {
  assertNoPageErrors, goLive, hostAction, join, participants, sendChat, waitClosed, waitForChat, waitForMic,
  waitForMode, waitForRoom, waitForSound, waitForSpeaker,
} from "./support/podium.js";
import { startPodium } from "./support/server.js";

// RMS of the played room mix above which it is not silence (silence is exactly 0 here).
const SILENCE = 0.002;
const SCENARIO_MS = 60_000;

let server;
let browser;

before(async () => {
  server = await startPodium();
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

/** A test that gets a `user(label)` factory; every page is screenshotted and closed at the end. */
function scenario(name, body) {
  test(name, { timeout: SCENARIO_MS }, async (t) => {
    const users = [];
    const user = async (label) => {
      const u = await newUser(browser, server.baseUrl, label);
      users.push(u);
      return u;
    };
    try {
      await body(user, t);
      assertNoPageErrors(users);
    } finally {
      await screenshots(name, users);
      await closeUsers(users);
    }
  });
}

test("the gateway serves the web client and keeps its JSON routes", async () => {
  const index = await fetch(`${server.baseUrl}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type"), /text\/html/);
  assert.match(await index.text(), /<title>Podium<\/title>/);
  // The page runs under this policy in every scenario below (a violation is a console error).
  assert.match(index.headers.get("content-security-policy"), /script-src 'self'.*frame-ancestors 'none'/);
  assert.equal(index.headers.get("x-content-type-options"), "nosniff");
  assert.equal(index.headers.get("x-frame-options"), "DENY");
  assert.equal(index.headers.get("cache-control"), "no-cache");
  assert.ok(index.headers.get("etag"));
  for (const path of ["/app.js", "/js/framing.js", "/worklets/capture-processor.js", "/worklets/playback-processor.js", "/styles.css"]) {
    const response = await fetch(`${server.baseUrl}${path}`);
    assert.equal(response.status, 200, path);
    await response.arrayBuffer();
  }
  const missing = await fetch(`${server.baseUrl}/no/such/file.js`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).code, "not_found");
  const health = await fetch(`${server.baseUrl}/health`);
  assert.deepEqual(await health.json(), { status: "up" });
  for (const path of ["/metrics", "/health/ready", "/health/live"]) {
    assert.equal((await fetch(`${server.baseUrl}${path}`)).status, 404, `${path} is not on the client port`);
    assert.equal((await fetch(`${server.opsUrl}${path}`)).status, 200, `${path} is on the ops port`);
  }
  const streams = await fetch(`${server.baseUrl}/api/streams`);
  assert.ok(Array.isArray((await streams.json()).streams));
  const token = await fetch(`${server.baseUrl}/dev/token?user_id=probe&username=Probe`);
  assert.equal(token.status, 200);
  assert.equal((await token.json()).user_id, "probe");
});

scenario("1 host goes live, two listeners join and see each other", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  assert.match(link, new RegExp(`^${server.baseUrl}/\\?event=[a-z0-9]+$`));
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");
  const everyone = [host.userId, l1.userId, l2.userId];
  for (const u of [host, l1, l2]) {
    await waitForRoom(u, everyone);
    assert.equal(await u.page.textContent("#count"), "3");
  }
  const seen = await participants(l2);
  assert.deepEqual(seen.map((p) => [p.name, p.role]),
    [["Hana Host", "host"], ["Lee Listener", "listener"], ["Lou Listener", "listener"]]);
});

scenario("2 chat reaches everyone and a late joiner sees it in the history", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");
  await sendChat(l1, "Hello from Lee!");
  for (const u of [host, l1, l2]) {
    await waitForChat(u, "Lee Listener", "Hello from Lee!");
  }
  const late = await user("late-joiner");
  await join(late, link, "Lana Late");
  await waitForChat(late, "Lee Listener", "Hello from Lee!");
});

scenario("3 both listeners hear the host's microphone", async (user, t) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  await waitForMic(host, true);
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");
  const levels = [await waitForSound(l1, SILENCE), await waitForSound(l2, SILENCE)];
  for (const level of levels) {
    assert.ok(level > SILENCE, `listener level ${level}`);
  }
  t.diagnostic(`RMS heard by the listeners: ${levels.map((l) => l.toFixed(4)).join(", ")}`);
  // The speaker levels name the host, and the host hears nothing of itself (mix-minus).
  await waitForSpeaker(l1, host.userId);
  assert.ok(await host.page.evaluate(() => window.podiumTestLevel()) < SILENCE, "the host hears itself");
});

scenario("4 a listener accepts the invitation, is heard, and is removed from the stage", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");
  await waitForRoom(host, [host.userId, l1.userId, l2.userId]);

  await hostAction(host, l1.userId, "Invite").click();
  const dialog = l1.page.getByRole("dialog", { name: "Join the stage?" });
  await dialog.waitFor({ state: "visible" });
  await dialog.getByRole("button", { name: "Accept" }).click();
  await waitForMic(l1, true);
  assert.equal(await l1.page.textContent("#mic-status"), "Microphone on");
  await host.page.waitForFunction((id) => document.querySelector(`#participants li[data-user-id="${id}"]`)?.dataset.role === "cohost",
    l1.userId, { timeout: 15_000 });

  // Listener 2 hears the mix, and the speaker levels show listener 1 in it.
  await waitForSpeaker(l2, l1.userId);
  assert.ok(await waitForSound(l2, SILENCE) > SILENCE);

  await hostAction(host, l1.userId, "Remove from stage").click();
  await waitForMic(l1, false);
  assert.equal(await l1.page.textContent("#mic-status"), "Microphone off");
  const removedAt = await l2.page.evaluate(() => Date.now());
  await waitForSpeaker(l2, l1.userId, false);
  // Allow the relay's jitter buffer to play out, then listener 1 must stay out of the levels.
  await l2.page.waitForTimeout(2000);
  const log = await l2.page.evaluate(() => window.podiumTestLevelLog());
  const late = log.filter((e) => e.t > removedAt + 800 && e.levels.some((l) => l.user_id === l1.userId));
  assert.deepEqual(late, [], "listener 1 is still heard after leaving the stage");
  assert.ok(log.some((e) => e.t > removedAt && e.levels.some((l) => l.user_id === host.userId)), "the host is still heard");
  assert.ok(await l2.page.isVisible(`#participants li[data-user-id="${l1.userId}"][data-role="listener"]`));
  // Frames that were on their way when the stage was left are refused quietly, not shown as errors.
  assert.equal(await l1.page.locator("#errors .error-item").count(), 0);
});

scenario("5 the host switches to screen sharing and back", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");

  await host.page.getByRole("button", { name: "Share screen" }).click();
  for (const u of [host, l1, l2]) {
    await waitForMode(u, "screen");
    assert.equal(await u.page.textContent("#mode"), "Screen sharing");
    assert.ok(await u.page.isVisible("#screen"), `${u.label} shows the screen area`);
  }
  // When the browser could share a screen, the listeners get its video through MediaSource.
  const shared = await host.page.evaluate(() => !!document.getElementById("screen-video").srcObject);
  if (shared) {
    await l1.page.waitForFunction(() => document.getElementById("screen-video").readyState >= 2, null, { timeout: 15_000 });
  } else {
    assert.ok(await host.page.isVisible('#errors [data-code="screen_unavailable"]'), "the host is told why");
  }
  await screenshots("5 screen mode", [host, l1, l2]);

  await host.page.getByRole("button", { name: "Back to audio" }).click();
  for (const u of [host, l1, l2]) {
    await waitForMode(u, "audio");
    assert.equal(await u.page.textContent("#mode"), "Audio");
    assert.ok(!(await u.page.isVisible("#screen")));
  }
});

scenario("6 the host ends the event and both listeners see it ended", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  const eventId = new URL(link).searchParams.get("event");
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");

  await host.page.getByRole("button", { name: "End event" }).click();
  await host.page.getByRole("dialog", { name: "End the event for everyone?" }).getByRole("button", { name: "End event" }).click();
  for (const u of [host, l1, l2]) {
    await waitClosed(u, "The event has ended");
  }
  assert.equal(await l1.page.textContent("#closed-message"), "The host has ended the live event.");
  // No reconnect after a normal end.
  await l2.page.waitForTimeout(1500);
  assert.ok(await l2.page.isVisible("#closed"));
  assert.ok(await l2.page.isHidden("#connection"));
  const streams = (await (await fetch(`${server.baseUrl}/api/streams`)).json()).streams;
  assert.ok(!streams.some((s) => s.event_id === eventId));
});

scenario("7 a chat message with HTML shows as text and runs nothing", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  await join(l1, link, "<b>Mallory</b>");
  await join(l2, link, "Lou Listener");
  const payload = "<img src=x onerror=alert(1)>";
  await sendChat(l1, payload);
  for (const u of [host, l1, l2]) {
    await waitForChat(u, "<b>Mallory</b>", payload);
    assert.equal(await u.page.locator("img").count(), 0, `an <img> was created on ${u.label}'s page`);
    assert.equal(await u.page.locator("#chat-log b, #participants b").count(), 0);
    const name = await u.page.textContent(`#participants li[data-user-id="${l1.userId}"] .name`);
    assert.equal(name, "<b>Mallory</b>");
  }
  await host.page.waitForTimeout(500); // an onerror handler would have fired by now
  for (const u of [host, l1, l2]) {
    assert.deepEqual(u.dialogs, [], `a dialog opened on ${u.label}'s page`);
  }
});

scenario("8 raise hand, dismiss and decline; host and listener reconnect after a drop", async (user) => {
  const host = await user("host");
  const l1 = await user("listener1");
  const l2 = await user("listener2");
  const link = await goLive(host, "Hana Host");
  await join(l1, link, "Lee Listener");
  await join(l2, link, "Lou Listener");
  const request = host.page.locator(`#requests li[data-user-id="${l1.userId}"]`);

  await l1.page.getByRole("button", { name: "Raise hand" }).click();
  await request.waitFor({ state: "visible" });
  await request.getByRole("button", { name: /^Dismiss/ }).click();
  await l1.page.getByText("The host dismissed your request to speak.").waitFor();
  assert.equal(await l1.page.textContent("#raise-hand"), "Raise hand");

  await l1.page.getByRole("button", { name: "Raise hand" }).click();
  await request.getByRole("button", { name: /^Invite/ }).click();
  const dialog = l1.page.getByRole("dialog", { name: "Join the stage?" });
  await dialog.getByRole("button", { name: "Decline" }).click();
  await host.page.getByText("Lee Listener declined the co-host invitation.").waitFor();
  assert.equal(await l1.page.textContent("#mic-status"), "Microphone off");

  // The host's socket drops: the room is told, the page reconnects and the event goes on.
  await host.page.evaluate(() => window.podiumTestDropConnection());
  await l2.page.locator("#chat-log .chat-system", { hasText: "The host is back." }).waitFor();
  await host.page.waitForFunction(() => document.getElementById("connection").textContent === "Live", null, { timeout: 15_000 });
  assert.equal(await host.page.inputValue("#join-link"), link);
  assert.equal(await host.page.textContent("#role"), "You: Host");

  // A listener's socket drops: it reconnects and chats again.
  await l1.page.evaluate(() => window.podiumTestDropConnection());
  await l1.page.waitForFunction(() => document.getElementById("connection").textContent.startsWith("Connection lost"), null, { timeout: 15_000 });
  await l1.page.waitForFunction(() => document.getElementById("connection").textContent === "Live", null, { timeout: 15_000 });
  await sendChat(l1, "Back again");
  await waitForChat(host, "Lee Listener", "Back again");
  await waitForRoom(l2, [host.userId, l1.userId, l2.userId]);
});
