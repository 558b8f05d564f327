// What a user does and sees in the web client, as page actions and bounded waits.

import assert from "node:assert/strict";

export const WAIT_MS = 15_000;

/**
 * Landing page: type a name (tick "Record this event" with `record`), press "Go live", wait until
 * live. Returns the join link shown.
 */
export async function goLive(user, name, { record = false } = {}) {
  const { page } = user;
  await page.goto(`${user.baseUrl}/`);
  await page.getByLabel("Your name").fill(name);
  if (record) {
    await page.getByLabel("Record this event").check();
  }
  await page.getByRole("button", { name: "Go live", exact: true }).click();
  await page.waitForFunction(() => document.getElementById("join-link").value.includes("?event="), null, { timeout: WAIT_MS });
  const link = await page.inputValue("#join-link");
  await waitLive(user);
  user.name = name;
  return link;
}

/** Opens the link the host shared, types a name, presses "Join", waits until in the room. */
export async function join(user, link, name) {
  const { page } = user;
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await waitLive(user);
  user.name = name;
}

async function waitLive(user) {
  await user.page.waitForFunction(() => document.getElementById("connection").textContent === "Live", null, { timeout: WAIT_MS });
  user.userId = await user.page.evaluate(() => JSON.parse(sessionStorage.getItem("podium.user")).userId);
}

export function participants(user) {
  return user.page.$$eval("#participants li", (items) => items.map((li) => ({
    userId: li.dataset.userId,
    role: li.dataset.role,
    name: li.querySelector(".name").textContent,
  })));
}

/** Waits until the user's list holds exactly these user ids and the count says so. */
export async function waitForRoom(user, userIds) {
  await user.page.waitForFunction((ids) => {
    const listed = [...document.querySelectorAll("#participants li")].map((li) => li.dataset.userId).sort();
    return JSON.stringify(listed) === JSON.stringify([...ids].sort())
      && document.getElementById("count").textContent === String(ids.length);
  }, userIds, { timeout: WAIT_MS });
}

export async function sendChat(user, text) {
  await user.page.getByLabel("Message").fill(text);
  await user.page.getByRole("button", { name: "Send", exact: true }).click();
}

/**
 * Waits until a chat message with this author and text is on the user's page. On a timeout the
 * error names what the page showed instead: its connection state, its errors and its chat log.
 */
export async function waitForChat(user, author, text) {
  try {
    await user.page.waitForFunction(([a, t]) => [...document.querySelectorAll("#chat-log .chat-message")]
      .some((li) => li.querySelector(".author").textContent === a && li.querySelector(".text").textContent === t),
    [author, text], { timeout: WAIT_MS });
  } catch (e) {
    const seen = await user.page.evaluate(() => ({
      connection: document.getElementById("connection").textContent,
      errors: [...document.querySelectorAll("#errors .error-item")].map((item) => item.textContent),
      chat: [...document.querySelectorAll("#chat-log .chat-message")].map((li) => li.textContent),
    })).catch((why) => ({ unreadable: String(why) }));
    throw new Error(`${user.label} did not see ${author}'s "${text}" within ${WAIT_MS} ms; the page showed ${JSON.stringify(seen)}`, { cause: e });
  }
}

/** Waits until the page's playback (AnalyserNode on the playback path) is above silence. */
export async function waitForSound(user, threshold) {
  // The level that passed, not a second reading: the fake microphone beeps twice a second, and a
  // reading taken a moment later (on a busy machine) can fall between two beeps.
  const passed = await user.page.waitForFunction((min) => {
    const level = window.podiumTestLevel();
    return level > min ? level : false;
  }, threshold, { timeout: WAIT_MS, polling: 100 });
  return passed.jsonValue();
}

/** Waits until the last speaker_levels the page got lists (or no longer lists) a user. */
export async function waitForSpeaker(user, userId, listed = true) {
  await user.page.waitForFunction(([id, yes]) => window.podiumTestSpeakers().includes(id) === yes,
    [userId, listed], { timeout: WAIT_MS, polling: 50 });
}

export async function micStatus(user) {
  return user.page.textContent("#mic-status");
}

export async function waitForMic(user, on) {
  await user.page.waitForFunction((want) => document.getElementById("mic-status").dataset.on === String(want)
    && window.podiumTestMicTracks() === (want ? 1 : 0), on, { timeout: WAIT_MS });
}

/** The button in the host's participant list, for one participant, by its visible text. */
export function hostAction(host, userId, text) {
  return host.page.locator(`#participants li[data-user-id="${userId}"] .actions button`, { hasText: text }).first();
}

/** Waits until the page's recording notice says the room is (or is not) being recorded. */
export async function waitForRecording(user, on) {
  await user.page.waitForFunction((want) => document.getElementById("recording").dataset.recording === String(want),
    on, { timeout: WAIT_MS });
}

/** Waits until the replay page plays something above silence; returns the level that passed. */
export async function waitForReplaySound(user, threshold) {
  const passed = await user.page.waitForFunction((min) => {
    const level = window.podiumTestReplayLevel();
    return level > min ? level : false;
  }, threshold, { timeout: WAIT_MS, polling: 100 });
  return passed.jsonValue();
}

export async function waitForMode(user, mode) {
  await user.page.waitForFunction((m) => document.getElementById("mode").dataset.mode === m, mode, { timeout: WAIT_MS });
}

export async function waitClosed(user, title) {
  await user.page.waitForFunction((t) => !document.getElementById("closed").hidden
    && document.getElementById("closed-title").textContent === t, title, { timeout: WAIT_MS });
}

export function assertNoPageErrors(users) {
  for (const u of users) {
    assert.deepEqual(u.pageErrors, [], `uncaught errors on ${u.label}'s page`);
    // Chromium reports what the gateway's Content-Security-Policy blocked as console errors.
    assert.deepEqual(u.console.filter((m) => /Content Security Policy/i.test(m)), [], `CSP violations on ${u.label}'s page`);
  }
}
