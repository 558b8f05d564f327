// Recording in the web client and the replay page, in real headless Chromium against a running
// all-in-one: the host goes live recording, everyone sees the notice, a listener chats, the host
// stops the recording and ends the event; then the host replays it: the recording is heard, the
// chat line being heard is highlighted as it plays and as it seeks, and each line's offset is the
// one the record gives (its timestamp minus the recording's started_at). A listener may not replay.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { closeUsers, launchBrowser, newUser, screenshots } from "./support/browser.js";
import {
  assertNoPageErrors, goLive, join, sendChat, waitClosed, waitForChat, waitForMic, waitForRecording,
  waitForReplaySound, waitForSound, WAIT_MS,
} from "./support/podium.js";
import { startPodium } from "./support/server.js";

// RMS above which playback is not silence (silence is exactly 0 here).
const SILENCE = 0.002;
const SCENARIO_MS = 120_000;
// The record is written behind the room: how long it may take to show the stopped recording.
const RECORD_MS = 30_000;

let server;
let browser;

before(async () => {
  server = await startPodium({ log: "podium-replay" });
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

async function tokenFor(userId, username) {
  const response = await fetch(`${server.baseUrl}/dev/token?user_id=${encodeURIComponent(userId)}&username=${encodeURIComponent(username)}`);
  assert.equal(response.status, 200);
  return (await response.json()).token;
}

async function record(path, token) {
  const response = await fetch(`${server.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Polls the record until its last recording has stopped and the transcript holds `lines` lines. */
async function awaitRecord(eventId, token, lines) {
  const deadline = Date.now() + RECORD_MS;
  let seen = null;
  for (;;) {
    const summary = await record(`/api/events/${eventId}`, token);
    const chat = await record(`/api/events/${eventId}/chat?limit=1000`, token);
    const recordings = summary.body?.recordings || [];
    const recording = recordings[recordings.length - 1];
    seen = { summary: summary.status, recordings, chat: chat.body?.messages?.length };
    if (recording?.stopped_at && chat.status === 200 && chat.body.messages.length >= lines) {
      return { summary: summary.body, recording, messages: chat.body.messages };
    }
    if (Date.now() > deadline) {
      throw new Error(`the record did not show the stopped recording and ${lines} chat lines within ${RECORD_MS} ms: ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The replay page's transcript as the page shows it. */
function transcript(page) {
  return page.$$eval("#transcript li", (items) => items.map((li) => ({
    id: li.dataset.id,
    offsetMs: li.dataset.offsetMs === undefined ? null : Number(li.dataset.offsetMs),
    current: li.classList.contains("current"),
    ariaCurrent: li.getAttribute("aria-current"),
    future: li.classList.contains("future"),
    text: li.querySelector(".text").textContent,
  })));
}

/** Seeks the replay's audio (paused) and waits until the page shows exactly `currentId` highlighted. */
async function seekAndExpect(page, ms, currentId) {
  await page.evaluate((t) => {
    const audio = document.getElementById("replay-audio");
    audio.pause();
    audio.currentTime = t / 1000;
  }, ms);
  await page.waitForFunction((id) => {
    const current = [...document.querySelectorAll("#transcript li.current")].map((li) => li.dataset.id);
    return JSON.stringify(current) === JSON.stringify(id ? [id] : []);
  }, currentId, { timeout: WAIT_MS });
}

test("a recorded event: everyone sees the notice, and the host replays it with the chat in step", { timeout: SCENARIO_MS }, async (t) => {
  const users = [];
  try {
    const host = await newUser(browser, server.baseUrl, "host");
    const listener = await newUser(browser, server.baseUrl, "listener");
    users.push(host, listener);

    // Live, recording from the start; the notice is the listeners' consent notice.
    const link = await goLive(host, "Rhea Host", { record: true });
    const eventId = new URL(link).searchParams.get("event");
    await waitForRecording(host, true);
    await waitForMic(host, true);
    await join(listener, link, "Leo Listener");
    await waitForRecording(listener, true);
    for (const u of [host, listener]) {
      assert.equal(await u.page.getAttribute("#recording", "data-recording"), "true");
      assert.ok(await u.page.isVisible("#recording"), `${u.label} sees the recording notice`);
      assert.match(await u.page.textContent("#recording"), /This event is being recorded/);
    }
    assert.equal(await host.page.textContent("#record-toggle"), "Stop recording");
    assert.ok(await host.page.isVisible("#replay-link"), "the host finds the replay while live");
    assert.ok(!(await listener.page.isVisible("#record-toggle")), "only the host records");
    assert.ok(!(await listener.page.isVisible("#replay-link")), "only the host replays");
    await screenshots("replay while recording", [host, listener]);
    t.diagnostic(`listener hears the host at RMS ${(await waitForSound(listener, SILENCE)).toFixed(4)}`);

    await sendChat(listener, "First line");
    await waitForChat(host, "Leo Listener", "First line");
    await listener.page.waitForTimeout(2000);
    await sendChat(listener, "Second line");
    await waitForChat(host, "Leo Listener", "Second line");
    await host.page.waitForTimeout(1500); // some sound after the second line

    await host.page.getByRole("button", { name: "Stop recording" }).click();
    for (const u of [host, listener]) {
      await waitForRecording(u, false);
      assert.ok(!(await u.page.isVisible("#recording")), `${u.label}'s notice is gone`);
    }
    assert.equal(await host.page.textContent("#record-toggle"), "Start recording");

    await host.page.getByRole("button", { name: "End event" }).click();
    await host.page.getByRole("dialog", { name: "End the event for everyone?" }).getByRole("button", { name: "End event" }).click();
    for (const u of [host, listener]) {
      await waitClosed(u, "The event has ended");
    }
    assert.ok(await host.page.isVisible("#closed-replay-link"), "the host's closed view links the replay");
    assert.ok(!(await listener.page.isVisible("#closed-replay-link")), "the listener's does not");
    assert.equal(await host.page.getAttribute("#closed-replay-link", "href"), `/replay.html?event=${eventId}`);

    // What the record says, read as the host.
    const hostToken = await tokenFor(host.userId, "Rhea Host");
    const { recording, messages } = await awaitRecord(eventId, hostToken, 2);
    const zero = Date.parse(recording.started_at);
    const expected = messages.map((m) => ({ id: String(m.id), offsetMs: Math.round(Date.parse(m.timestamp) - zero), text: m.message }));
    t.diagnostic(`recording ${recording.recording_id}: ${recording.duration_seconds} s; lines at ${expected.map((e) => e.offsetMs).join(", ")} ms`);
    assert.deepEqual(expected.map((e) => e.text), ["First line", "Second line"]);
    const [first, second] = expected;
    assert.ok(first.offsetMs > 0 && second.offsetMs - first.offsetMs >= 1900
      && second.offsetMs < recording.duration_seconds * 1000, JSON.stringify(expected));

    // The replay page, from the host's closed view.
    await host.page.click("#closed-replay-link");
    await host.page.waitForURL(/\/replay\.html\?event=/, { timeout: WAIT_MS });
    await host.page.waitForFunction(() => !document.getElementById("replay").hidden
      && document.querySelectorAll("#transcript li").length === 2, null, { timeout: WAIT_MS });
    assert.equal(await host.page.textContent("#replay-host"), "Host: Rhea Host");
    assert.equal(await host.page.getAttribute("#replay-audio", "data-recording-id"), recording.recording_id);

    // (d) the page's offsets are the record's: timestamp minus the recording's started_at.
    const shown = await transcript(host.page);
    assert.deepEqual(shown.map(({ id, offsetMs, text }) => ({ id, offsetMs, text })), expected);
    // Before the first line's time nothing is highlighted, and every line is still to come.
    assert.ok(shown.every((l) => !l.current && l.ariaCurrent === null && l.future), JSON.stringify(shown));

    // (a) playing: the page's output is the recorded room, not silence; (b) past the first line's
    // time, the first line is highlighted. A click gives the page the user activation to play.
    await host.page.click("#replay-title");
    await host.page.evaluate((ms) => {
      const audio = document.getElementById("replay-audio");
      audio.currentTime = ms / 1000;
      return audio.play();
    }, Math.max(0, first.offsetMs - 1500));
    const level = await waitForReplaySound(host, SILENCE);
    t.diagnostic(`replay plays at RMS ${level.toFixed(4)}`);
    await host.page.waitForFunction((ms) => document.getElementById("replay-audio").currentTime * 1000 > ms,
      first.offsetMs, { timeout: WAIT_MS });
    await host.page.waitForFunction((id) => document.querySelector("#transcript li.current")?.dataset.id === id,
      first.id, { timeout: WAIT_MS });
    let lines = await transcript(host.page);
    assert.deepEqual(lines.map((l) => [l.current, l.ariaCurrent]), [[true, "true"], [false, null]]);
    assert.ok(lines[1].future && !lines[0].future, "the second line is still to come");

    // (c) seeking: past the second line, only the second is highlighted; before the first, none.
    await seekAndExpect(host.page, second.offsetMs + 300, second.id);
    lines = await transcript(host.page);
    assert.deepEqual(lines.map((l) => [l.current, l.ariaCurrent, l.future]), [[false, null, false], [true, "true", false]]);
    await seekAndExpect(host.page, Math.max(0, first.offsetMs - 500), null);
    lines = await transcript(host.page);
    assert.ok(lines.every((l) => !l.current && l.ariaCurrent === null && l.future), JSON.stringify(lines));

    // Selecting a line plays from it.
    await host.page.locator(`#transcript li[data-id="${second.id}"] button`).click();
    await host.page.waitForFunction((id) => document.querySelector("#transcript li.current")?.dataset.id === id,
      second.id, { timeout: WAIT_MS });
    const at = await host.page.evaluate(() => document.getElementById("replay-audio").currentTime * 1000);
    assert.ok(at >= second.offsetMs - 50 && at < second.offsetMs + 5000, `played from ${at} ms`);
    await host.page.evaluate(() => document.getElementById("replay-audio").pause());

    // (e) a listener's token: the record is the host's alone, and the page says so.
    await listener.page.goto(`${server.baseUrl}/replay.html?event=${eventId}`);
    await listener.page.locator('#errors [data-code="not_host"]').waitFor({ timeout: WAIT_MS });
    assert.match(await listener.page.textContent("#errors"), /Only the host of this event can replay it/);
    assert.ok(await listener.page.isHidden("#replay"));
    // A token that does not verify, and an event that does not exist.
    await listener.page.goto(`${server.baseUrl}/replay.html?event=${eventId}&token=not-a-token`);
    await listener.page.locator('#errors [data-code^="token_"]').waitFor({ timeout: WAIT_MS });
    assert.match(await listener.page.textContent("#errors"), /not signed in/);
    await listener.page.goto(`${server.baseUrl}/replay.html?event=nosuchevent`);
    await listener.page.locator('#errors [data-code="event_not_found"]').waitFor({ timeout: WAIT_MS });
    assert.match(await listener.page.textContent("#errors"), /no such event/);

    assertNoPageErrors(users);
  } finally {
    await screenshots("replay", users);
    await closeUsers(users);
  }
});
