// The replay page (/replay.html?event={eventId}[&recording={recordingId}]): an event's recording
// with its chat, for the event's host. It reads the record over HTTP (docs/storage.md, "Reading
// the record"): the summary with the event's recordings, the whole transcript (page by page), and
// the recording itself, streamed into an <audio> element (which cannot send headers, so the token
// goes in its URL).
//
// Alignment: time 0 of a recording's file is the recording's started_at, and silence fills any
// gap inside the file, so a chat line written at `timestamp` is heard (timestamp - started_at)
// into the file. As the audio plays, the last line whose time has come is highlighted.
// Everything the server relayed is put on the page with textContent: never as HTML.

import { devToken, externalIdentity, tokenFromEmbedder } from "./token.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const PAGE = 1000;        // chat lines per request (the most the server gives)
const MAX_PAGES = 1000;   // a transcript longer than a million lines is cut here
const MAX_ERRORS = 5;

const audio = $("replay-audio");
let lines = [];           // [{li, offsetMs, outside}] in transcript order
let current = null;       // the highlighted line
let meter = null;         // {context, analyser, samples} once the audio first plays

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only)

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function setStatus(text) {
  $("status").textContent = text;
  $("status").hidden = !text;
}

function showError(code, message) {
  console.warn("podium replay error", code, message);
  const box = $("errors");
  const item = el("div", "error-item");
  item.dataset.code = code;
  const dismiss = el("button", "dismiss", "×");
  dismiss.type = "button";
  dismiss.setAttribute("aria-label", "Dismiss this error");
  dismiss.addEventListener("click", () => item.remove());
  item.append(el("strong", "error-code", code), el("span", "error-message", ` ${message}`), dismiss);
  box.append(item);
  while (box.children.length > MAX_ERRORS) {
    box.firstElementChild.remove();
  }
}

/** "1:02:03" or "2:03" for a number of milliseconds. */
function position(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function dateTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// ---------------------------------------------------------------------------------------------
// The token: the page URL's or the embedding app's (as on the live page), else in dev mode a
// token for the user this tab went live as (the live page keeps it in session storage), or the
// one named by ?user_id=.

async function identity() {
  const external = externalIdentity();
  if (external) {
    return external;
  }
  const saved = JSON.parse(sessionStorage.getItem("podium.user") || "null");
  const userId = saved?.userId || params.get("user_id");
  if (userId) {
    const dev = await devToken(userId, saved?.name || userId);
    if (dev) {
      return dev;
    }
  }
  setStatus("Waiting for a token…");
  return tokenFromEmbedder();
}

// ---------------------------------------------------------------------------------------------
// The record over HTTP

/** A refusal of the record, in plain words. */
class Refusal extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function refusal(status, code, detail, what) {
  switch (status) {
    case 401:
      return new Refusal(status, code || "token_invalid",
        "You are not signed in, or your sign-in has expired. Open this page again from your event.");
    case 403:
      return new Refusal(status, code || "not_host", "Only the host of this event can replay it.");
    case 404:
      return new Refusal(status, code || "not_found", what === "recording"
        ? "The recording is not there (it may have been deleted)."
        : "There is no such event. Check the link.");
    case 503:
      return new Refusal(status, code || "service_unavailable",
        "The event's record cannot be reached right now. Try again in a minute.");
    default:
      return new Refusal(status, code || "error", detail || `The server answered ${status}.`);
  }
}

async function api(path, token) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
  } catch {
    throw new Refusal(0, "not_connected", "The server cannot be reached. Check your connection and reload.");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw refusal(response.status, body.code, body.detail, "event");
  }
  return response.json();
}

async function transcript(eventId, token) {
  const messages = [];
  let after = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await api(`/api/events/${encodeURIComponent(eventId)}/chat?after=${after}&limit=${PAGE}`, token);
    messages.push(...(body.messages || []));
    if (body.next === null || body.next === undefined || body.next === after) {
      return messages;
    }
    after = body.next;
  }
  showError("transcript_truncated", `Only the first ${messages.length} chat lines are shown.`);
  return messages;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderEvent(summary) {
  const host = summary.host?.username || summary.host?.user_id || "Someone";
  const title = summary.title || `${host}'s event`;
  $("replay-title").textContent = title;
  document.title = `Replay: ${title} · Podium`;
  $("replay-host").textContent = `Host: ${host}`;
  $("replay-date").textContent = dateTime(summary.started_at) + (summary.live ? " · still live" : "");
}

function renderRecordings(eventId, recordings, chosen) {
  const list = $("recordings");
  list.replaceChildren();
  for (const r of recordings) {
    const li = el("li");
    const query = new URLSearchParams(params);
    query.set("event", eventId);
    query.set("recording", r.recording_id);
    const link = el("a", null, `${clock(r.started_at)} · ${r.stopped_at ? position(r.duration_seconds * 1000) : "still recording"}`);
    link.href = `/replay.html?${query}`;
    if (r === chosen) {
      link.setAttribute("aria-current", "page");
    }
    li.append(link);
    list.append(li);
  }
  $("recordings-nav").hidden = !(recordings.length > 1 || (recordings.length && !chosen));
}

function renderRecordingInfo(r) {
  const parts = [`Recorded from ${clock(r.started_at)}`];
  if (r.stopped_at) {
    parts.push(`to ${clock(r.stopped_at)} (${position(r.duration_seconds * 1000)})`);
  } else {
    parts.push("and still going on: reload later to hear the rest");
  }
  const gaps = Array.isArray(r.gaps) ? r.gaps.length : 0;
  if (gaps) {
    parts.push(`· ${gaps} ${gaps === 1 ? "gap" : "gaps"} (silence) where the recorder lost the room`);
  }
  $("recording-info").textContent = parts.join(" ");
}

/**
 * The transcript; each line's offset into the recording (null without one). Lines written before
 * the recording started or after it stopped are marked and take no part in the highlighting.
 */
function renderTranscript(messages, recording) {
  const zero = recording ? Date.parse(recording.started_at) : NaN;
  const end = recording?.stopped_at ? Date.parse(recording.stopped_at) - zero : Infinity;
  const list = $("transcript");
  list.replaceChildren();
  lines = [];
  for (const m of messages) {
    const li = el("li", "line");
    li.dataset.id = String(m.id);
    const at = Date.parse(m.timestamp);
    const offsetMs = Number.isNaN(zero) || Number.isNaN(at) ? null : Math.round(at - zero);
    const outside = offsetMs === null || offsetMs < 0 || offsetMs > end;
    const line = { li, offsetMs, outside };
    const body = el("button", "line-body");
    body.type = "button";
    let when;
    if (offsetMs === null) {
      when = clock(m.timestamp);
      body.disabled = true;
    } else {
      li.dataset.offsetMs = String(offsetMs);
      when = offsetMs < 0 ? "before" : offsetMs > end ? "after" : position(offsetMs);
      body.title = outside ? `Written ${offsetMs < 0 ? "before" : "after"} this recording (${clock(m.timestamp)})`
        : `Written at ${clock(m.timestamp)}: play from here`;
      body.addEventListener("click", () => seekTo(line));
    }
    if (outside) {
      li.classList.add("outside");
    }
    body.append(el("time", "offset", when), el("span", "author", m.username ?? m.user_id ?? "?"),
      el("span", "text", String(m.message ?? "")));
    li.append(body);
    list.append(li);
    lines.push(line);
  }
  $("transcript-empty").hidden = messages.length > 0;
  sync();
}

// ---------------------------------------------------------------------------------------------
// Playback and highlighting

/** Highlights the last line whose time has come; dims those still to come. */
function sync() {
  const now = audio.currentTime * 1000;
  let next = null;
  for (const line of lines) {
    if (line.outside) {
      continue;
    }
    const come = line.offsetMs <= now;
    line.li.classList.toggle("future", !come);
    if (come) {
      next = line;
    }
  }
  if (next === current) {
    return;
  }
  if (current) {
    current.li.classList.remove("current");
    current.li.removeAttribute("aria-current");
  }
  current = next;
  if (current) {
    current.li.classList.add("current");
    current.li.setAttribute("aria-current", "true");
    current.li.scrollIntoView({ block: "nearest" });
  }
}

function seekTo(line) {
  audio.currentTime = Math.max(0, line.offsetMs / 1000);
  sync();
  if (audio.paused) {
    audio.play().catch((e) => console.info("podium replay: play refused", e.name));
  }
}

/** Routes the audio through an AnalyserNode (the test hook's level), once, on the first play. */
function startMeter() {
  if (meter) {
    meter.context.resume().catch(() => {});
    return;
  }
  try {
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaElementSource(audio).connect(analyser);
    analyser.connect(context.destination);
    meter = { context, analyser, samples: new Float32Array(analyser.fftSize) };
    context.resume().catch(() => {});
  } catch (e) {
    console.info("podium replay: no level meter", e.message);
  }
}

/** After the <audio> failed: asks for the first byte to learn why, and says so. */
async function explainAudioError(token, url) {
  let refused = null;
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Range: "bytes=0-0" }, cache: "no-store",
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      refused = refusal(response.status, body.code, body.detail, "recording");
    }
    await response.body?.cancel().catch(() => {});
  } catch {
    refused = new Refusal(0, "not_connected", "The server cannot be reached. Check your connection and reload.");
  }
  if (refused) {
    showError(refused.code, refused.message);
  } else {
    showError("playback_failed", "This browser could not play the recording (Ogg Opus).");
  }
}

for (const name of ["timeupdate", "seeking", "seeked", "loadedmetadata"]) {
  audio.addEventListener(name, sync);
}
audio.addEventListener("play", startMeter);

// ---------------------------------------------------------------------------------------------
// Test hooks (used by the browser tests; harmless otherwise)

/** RMS of what the page plays right now (0 before the first play). */
window.podiumTestReplayLevel = () => {
  if (!meter) {
    return 0;
  }
  meter.analyser.getFloatTimeDomainData(meter.samples);
  let sum = 0;
  for (const s of meter.samples) {
    sum += s * s;
  }
  return Math.sqrt(sum / meter.samples.length);
};

// ---------------------------------------------------------------------------------------------

async function load() {
  const eventId = (params.get("event") || "").trim();
  if (!eventId) {
    setStatus("");
    showError("event_required", "This page needs an event: open it as /replay.html?event={eventId}.");
    return;
  }
  let who;
  try {
    who = await identity();
  } catch (e) {
    setStatus("");
    showError("token_missing", e.message);
    return;
  }
  setStatus("Loading…");
  try {
    const [summary, messages] = await Promise.all([
      api(`/api/events/${encodeURIComponent(eventId)}`, who.token),
      transcript(eventId, who.token),
    ]);
    const recordings = Array.isArray(summary.recordings) ? summary.recordings : [];
    const wanted = params.get("recording");
    const recording = wanted ? recordings.find((r) => r.recording_id === wanted) : recordings[recordings.length - 1];
    renderEvent(summary);
    renderRecordings(eventId, recordings, recording);
    if (wanted && !recording) {
      showError("not_found", "This event has no recording with that id; the list shows the ones it has.");
    }
    $("no-recording").hidden = !!recording || !!wanted;
    audio.hidden = !recording;
    if (recording) {
      renderRecordingInfo(recording);
      const url = `/api/events/${encodeURIComponent(eventId)}/recording?recording=${encodeURIComponent(recording.recording_id)}`;
      audio.addEventListener("error", () => explainAudioError(who.token, url), { once: true });
      audio.src = `${url}&token=${encodeURIComponent(who.token)}`;
      audio.dataset.recordingId = recording.recording_id;
    }
    renderTranscript(messages, recording);
    $("replay").hidden = false;
    setStatus(summary.live ? "Live now" : "");
  } catch (e) {
    setStatus("");
    if (e instanceof Refusal) {
      showError(e.code, e.message);
    } else {
      showError("error", `The replay could not be loaded: ${e.message}`);
    }
  }
}

load();
