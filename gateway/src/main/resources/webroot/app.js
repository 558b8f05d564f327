// Podium web client: landing (go live or join), the room for hosts and listeners, and the page
// after an event. Speaks the Podium protocol (docs/protocol.md) over one WebSocket with the
// podium.v1 subprotocol. Everything a user typed, or the server relayed, is put on the page with
// textContent: never as HTML.

import { AudioEngine, FRAME_SAMPLES, SAMPLE_RATE } from "./js/audio.js";
import { gatewayUrls, RoomConnection } from "./js/connection.js";
import { frame, parse, KIND_PCM, KIND_SCREEN, KIND_SCREEN_INIT } from "./js/framing.js";
import { externalIdentity, obtainIdentity } from "./js/token.js";
import { pickScreen, ScreenSender, ScreenViewer } from "./js/screen.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const MAX_CHAT_ITEMS = 500;
const MAX_ERRORS = 5;
const MAX_NOTICES = 4;
const ROLE_LABELS = { host: "Host", cohost: "Co-host", listener: "Listener" };

const audio = new AudioEngine();
const viewer = new ScreenViewer($("screen-video"), (text) => setScreenNote(text));
const state = {
  identity: null,     // {token, userId, username}
  asHost: false,      // this page went live (as opposed to joining)
  eventId: null,
  me: null,           // room_state.you
  role: null,
  host: null,         // {user_id, username}
  mode: "audio",
  participants: [],
  total: 0,
  cohosts: new Map(), // user id -> {username, muted}
  requests: new Map(),// user id -> username (host only)
  speaking: new Map(),// user id -> level, from the last speaker_levels
  handRaised: false,
  hostMicMuted: false,
  ended: false,
  lastError: null,
  publishEndedAt: 0,  // when we last lost the right to send audio (stage left, muted)
  record: false,      // going live with record=true (the landing page's checkbox)
  recording: null,    // {recording_id, started_at} while the room is being recorded
};
const levelLog = [];   // [{t, levels}] for the test hooks
let conn = null;
let micSequence = 0;
let micTimestamp = 0;
let screenSequence = 0;
let screenSender = null;
let inviteTimer = null;
let liveTimer = null;

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

function button(text, label, onClick, className) {
  const b = el("button", className, text);
  b.type = "button";
  if (label) {
    b.setAttribute("aria-label", label);
  }
  b.addEventListener("click", onClick);
  return b;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function clock(iso) {
  const d = iso ? new Date(iso) : new Date();
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// ---------------------------------------------------------------------------------------------
// Errors and notices

function showError(code, message) {
  state.lastError = { code, message };
  console.warn("podium error", code, message);
  const box = $("errors");
  const item = el("div", "error-item");
  item.dataset.code = code;
  item.append(el("strong", "error-code", code), el("span", "error-message", ` ${message}`));
  item.append(button("×", "Dismiss this error", () => item.remove(), "dismiss"));
  box.append(item);
  while (box.children.length > MAX_ERRORS) {
    box.firstElementChild.remove();
  }
}

function clearErrors() {
  $("errors").replaceChildren();
  state.lastError = null;
}

function notice(text) {
  const box = $("notices");
  box.prepend(el("p", "notice", text));
  while (box.children.length > MAX_NOTICES) {
    box.lastElementChild.remove();
  }
}

function setConnection(text) {
  const c = $("connection");
  c.textContent = text;
  c.hidden = !text;
}

// ---------------------------------------------------------------------------------------------
// Landing

function userIdFor(name) {
  const saved = JSON.parse(sessionStorage.getItem("podium.user") || "null");
  if (saved && saved.name === name) {
    return saved.userId;
  }
  const slug = name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 24);
  const userId = `${slug || "user"}-${Math.random().toString(36).slice(2, 7)}`;
  sessionStorage.setItem("podium.user", JSON.stringify({ name, userId }));
  return userId;
}

function eventIdFrom(text) {
  const value = text.trim();
  if (!value) {
    return "";
  }
  try {
    const url = new URL(value, location.href);
    const fromLink = url.searchParams.get("event");
    if (fromLink) {
      return fromLink.trim();
    }
  } catch {
    // not a link
  }
  return value;
}

async function refreshLiveEvents() {
  if ($("landing").hidden) {
    return;
  }
  let streams = [];
  try {
    const response = await fetch("/api/streams", { cache: "no-store" });
    if (response.ok) {
      streams = (await response.json()).streams || [];
    }
  } catch {
    return;
  }
  const list = $("live-events");
  list.replaceChildren();
  for (const s of streams) {
    const li = el("li");
    const link = el("a", null, `${s.host?.username ?? "Someone"}'s event`);
    link.href = `/?event=${encodeURIComponent(s.event_id)}`;
    li.append(link, el("span", "muted", ` · ${s.participant_count} in the room · ${s.mode === "screen" ? "sharing a screen" : "audio"}`));
    list.append(li);
  }
  show("live-empty", streams.length === 0);
}

function setLandingBusy(busy) {
  $("go-live").disabled = busy;
  $("join").disabled = busy;
}

function initLanding() {
  const ext = externalIdentity();
  if (ext) {
    $("name-form").hidden = true;
    $("identity").hidden = false;
    $("identity").textContent = `Signed in as ${ext.username || ext.userId}`;
  }
  $("name").value = params.get("name") || sessionStorage.getItem("podium.name") || "";
  const event = params.get("event");
  if (event) {
    $("event-id").value = event;
    $("join-title").textContent = "You are invited to join this event";
    $("join").focus();
  }
  $("go-live").addEventListener("click", () => enter(true, null));
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = eventIdFrom($("event-id").value);
    if (!id) {
      showError("event_required", "Enter the event id or paste the link the host shared.");
      $("event-id").focus();
      return;
    }
    enter(false, id);
  });
  $("name-form").addEventListener("submit", (e) => e.preventDefault());
  refreshLiveEvents();
  liveTimer = setInterval(refreshLiveEvents, 5000);
}

// ---------------------------------------------------------------------------------------------
// Entering a room

async function enter(asHost, eventId) {
  clearErrors();
  const name = $("name").value.trim();
  if (!externalIdentity() && !name) {
    showError("name_required", "Please enter your name first.");
    $("name").focus();
    return;
  }
  sessionStorage.setItem("podium.name", name);
  setLandingBusy(true);
  // Started inside the click, so the browser lets the page play sound.
  try {
    await audio.start();
  } catch (e) {
    showError("audio_unavailable", `Sound cannot be played in this browser: ${e.message}`);
  }
  let identity;
  try {
    identity = await obtainIdentity(userIdFor(name), name);
  } catch (e) {
    showError("token_missing", e.message);
    setLandingBusy(false);
    return;
  }
  state.identity = identity;
  state.asHost = asHost;
  state.eventId = eventId;
  state.record = asHost && $("record").checked;
  clearInterval(liveTimer);
  $("landing").hidden = true;
  $("room").hidden = false;
  $("room-title").textContent = asHost ? "Your live event" : "Joining…";
  setConnection("Connecting…");
  conn = new RoomConnection(gatewayUrls(), socketPath, {
    onText: onMessage,
    onBinary,
    onReconnecting: (delay, attempt) => {
      audio.resetPlayback();
      setConnection(`Connection lost. Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${attempt})…`);
    },
    onClosed,
  });
  conn.connect();
  if (asHost) {
    syncMicrophone(); // ask for the microphone now, while the click still counts
  }
}

function socketPath() {
  const token = encodeURIComponent(state.identity.token);
  const user = encodeURIComponent(state.identity.userId);
  // The microphone's PCM is resampled to SAMPLE_RATE in the capture worklet: say so, and the relay
  // need not estimate it.
  const query = `?token=${token}&rate=${SAMPLE_RATE}`;
  if (state.asHost && !state.eventId) {
    return `/ws/stream/start/live/${user}/${query}${state.record ? "&record=true" : ""}`;
  }
  // A host whose socket dropped re-attaches to its event through the join URL.
  return `/ws/stream/live/join/event/${encodeURIComponent(state.eventId)}/${user}/${query}`;
}

function onClosed(event) {
  if (state.ended) {
    return;
  }
  const titles = {
    event_not_found: "This event is not live",
    banned: "You cannot join this event",
    replaced: "You joined from another window",
  };
  const code = state.lastError?.code;
  const detail = state.lastError ? state.lastError.message : `The connection closed (${event.code}${event.reason ? `, ${event.reason}` : ""}).`;
  finish(titles[code] || "You are disconnected", detail);
}

/** Leaves the room view for good: the event ended, we were removed, we left, or were refused. */
function finish(title, message) {
  if (state.ended) {
    return;
  }
  state.ended = true;
  conn?.markFinal();
  audio.stopCapture();
  audio.resetPlayback();
  stopScreen();
  viewer.reset();
  clearTimeout(inviteTimer);
  for (const d of document.querySelectorAll("dialog[open]")) {
    d.close();
  }
  $("room").hidden = true;
  $("closed").hidden = false;
  $("closed-title").textContent = title;
  $("closed-message").textContent = message;
  // The host (only the host may read the record) finds the event's replay from here.
  show("closed-replay", state.role === "host" && !!state.eventId);
  state.recording = null;
  renderRecording();
  setConnection("");
  renderMicrophone();
}

// ---------------------------------------------------------------------------------------------
// Media

function mayPublish() {
  if (state.role === "host") {
    return !state.hostMicMuted;
  }
  return state.role === "cohost" && !isMuted(state.me?.user_id);
}

function onMicrophoneFrame(pcm) {
  if (!conn || !mayPublish()) {
    return;
  }
  conn.sendBinary(frame(KIND_PCM, ++micSequence, micTimestamp, pcm));
  micTimestamp = (micTimestamp + FRAME_SAMPLES) >>> 0;
}

/** Opens or closes the microphone to match the role and mute state. */
function syncMicrophone() {
  const wanted = !state.ended && (state.asHost && !state.role ? !state.hostMicMuted : mayPublish());
  if (wanted && !audio.capturing) {
    $("mic-status").textContent = "Microphone starting…";
    audio.startCapture(onMicrophoneFrame)
      .catch((e) => showError("microphone_unavailable", `The microphone could not be opened: ${e.message || e.name}`))
      .finally(() => {
        if (!(state.asHost && !state.role ? !state.hostMicMuted : mayPublish()) || state.ended) {
          audio.stopCapture();
        }
        renderMicrophone();
      });
  } else if (!wanted && audio.capturing) {
    audio.stopCapture();
  }
  renderMicrophone();
}

function renderMicrophone() {
  const on = audio.capturing;
  const status = $("mic-status");
  if (on || status.textContent !== "Microphone starting…" || state.ended) {
    status.textContent = on ? "Microphone on" : "Microphone off";
  }
  status.dataset.on = String(on);
  const hostMic = $("host-mic");
  hostMic.textContent = state.hostMicMuted ? "Unmute my microphone" : "Mute my microphone";
  hostMic.setAttribute("aria-pressed", String(state.hostMicMuted));
}

function onBinary(buffer) {
  const msg = parse(buffer);
  if (!msg) {
    return;
  }
  switch (msg.kind) {
    case KIND_PCM:
      audio.play(msg.payload);
      break;
    case KIND_SCREEN_INIT:
      // The gateway's cached copy for joiners carries sequence 0 and timestamp 0.
      viewer.init(msg.payload, msg.sequence === 0 && msg.timestamp === 0);
      break;
    case KIND_SCREEN:
      viewer.chunk(msg.payload);
      break;
    default:
      break; // Opus (kind 2) is only sent to clients that ask for it with ?codec=opus
  }
}

function setScreenNote(text) {
  $("screen-note").textContent = text;
  $("screen-note").hidden = !text;
}

$("screen-video").addEventListener("playing", () => {
  if (state.mode === "screen") {
    setScreenNote("");
  }
});

async function toggleScreen() {
  if (state.mode === "screen" || screenSender) {
    conn.send({ type: "switching_to_audio", stream: "audio" });
    stopScreen();
    return;
  }
  $("screen-toggle").disabled = true;
  let stream = null;
  try {
    stream = await pickScreen();
  } catch (e) {
    showError("screen_unavailable", `Your screen cannot be shared (${e.name || "Error"}: ${e.message}). `
      + "The room is switched to screen mode anyway; choose \"Back to audio\" when you are done.");
  }
  $("screen-toggle").disabled = false;
  if (stream) {
    screenSender = new ScreenSender(stream,
      (kind, bytes) => conn.sendBinary(frame(kind, ++screenSequence, Date.now() >>> 0, bytes)),
      () => {
        if (screenSender) {
          conn.send({ type: "switching_to_audio", stream: "audio" });
          stopScreen();
        }
      });
    $("screen-video").srcObject = stream;
    $("screen-video").play().catch(() => {});
  }
  conn.send({ type: "switching_to_screen_sharing", stream: "screen" });
}

function stopScreen() {
  if (screenSender) {
    screenSender.stop();
    screenSender = null;
  }
  if ($("screen-video").srcObject) {
    $("screen-video").srcObject = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering the room

function isMe(userId) {
  return !!state.me && userId === state.me.user_id;
}

function isMuted(userId) {
  return !!state.cohosts.get(userId)?.muted;
}

function nameOf(userId) {
  const p = state.participants.find((x) => x.user_id === userId);
  return p ? p.username : state.cohosts.get(userId)?.username ?? userId;
}

function send(message) {
  if (!conn || !conn.send(message)) {
    showError("not_connected", "You are not connected right now; try again in a moment.");
  }
}

function renderRole() {
  const role = state.role;
  $("role").textContent = role ? `You: ${ROLE_LABELS[role] || role}` : "";
  show("host-panel", role === "host");
  show("requests-panel", role === "host");
  show("listener-panel", role === "listener" || role === "cohost");
  show("raise-hand", role === "listener");
  show("cohost-mute", role === "cohost");
  show("leave-stage", role === "cohost");
  const muted = isMuted(state.me?.user_id);
  $("cohost-mute").textContent = muted ? "Unmute me" : "Mute me";
  $("raise-hand").textContent = state.handRaised ? "Lower hand" : "Raise hand";
  $("raise-hand").setAttribute("aria-pressed", String(state.handRaised));
  document.body.dataset.role = role || "";
}

function renderMode() {
  const screen = state.mode === "screen";
  const badge = $("mode");
  badge.dataset.mode = state.mode;
  badge.textContent = screen ? "Screen sharing" : "Audio";
  $("screen-toggle").textContent = screen || screenSender ? "Back to audio" : "Share screen";
  show("screen", screen);
  if (!screen) {
    viewer.reset();
  } else if (state.role === "host") {
    setScreenNote(screenSender ? "" : "Screen mode is on, but no screen is being shared.");
  } else if ($("screen-video").paused) {
    setScreenNote("Waiting for the host's screen…");
  }
}

function renderJoinLink() {
  if (!state.eventId) {
    return;
  }
  $("join-link").value = `${location.origin}/?event=${encodeURIComponent(state.eventId)}`;
  $("replay-link").href = replayHref();
  $("closed-replay-link").href = replayHref();
}

/**
 * The replay page of this event. A token this page was given in its URL goes along (the replay
 * page reads it the same way); a dev-mode page finds its user in the tab's session storage, which
 * a tab opened from here inherits.
 */
function replayHref() {
  const query = new URLSearchParams({ event: state.eventId });
  for (const name of ["token", "user_id", "origin"]) {
    if (params.get(name)) {
      query.set(name, params.get(name));
    }
  }
  return `/replay.html?${query}`;
}

/** The consent notice everyone sees while the room is recorded, and the host's toggle. */
function renderRecording() {
  const on = !!state.recording && !state.ended;
  const badge = $("recording");
  badge.hidden = !on;
  badge.dataset.recording = String(on);
  const toggle = $("record-toggle");
  toggle.textContent = on ? "Stop recording" : "Start recording";
  toggle.setAttribute("aria-pressed", String(on));
  toggle.classList.toggle("recording-on", on);
}

function renderParticipants() {
  const list = $("participants");
  list.replaceChildren();
  const iAmHost = state.role === "host";
  for (const p of state.participants) {
    const li = el("li", "participant");
    li.dataset.userId = p.user_id;
    li.dataset.role = p.role;
    const level = el("span", "level");
    level.setAttribute("aria-hidden", "true");
    const name = el("span", "name", p.username);
    const muted = p.role === "cohost" && isMuted(p.user_id);
    const tag = el("span", `tag tag-${p.role}`, (ROLE_LABELS[p.role] || p.role) + (muted ? " · muted" : ""));
    li.append(level, name);
    if (isMe(p.user_id)) {
      li.append(el("span", "you", " (you)"));
    }
    li.append(tag);
    if (iAmHost && !isMe(p.user_id)) {
      const actions = el("span", "actions");
      if (p.role === "listener") {
        actions.append(button("Invite", `Invite ${p.username} to the stage`,
          () => send({ type: "invite_cohost", user_id: p.user_id })));
      }
      if (p.role === "cohost") {
        if (!muted) {
          actions.append(button("Mute", `Mute ${p.username}`, () => send({ type: "mute", participant_id: p.user_id })));
        }
        actions.append(button("Remove from stage", `Remove ${p.username} from the stage`,
          () => send({ type: "remove_cohost", participant_id: p.user_id })));
      }
      actions.append(button("Remove", `Remove ${p.username} from the event`,
        () => send({ type: "remove_participant", participant_id: p.user_id }), "danger"));
      li.append(actions);
    }
    list.append(li);
  }
  const shown = state.participants.length;
  $("truncated").hidden = !(state.total > shown);
  $("truncated").textContent = `Showing ${shown} of ${state.total}.`;
  renderLevels();
}

function renderLevels() {
  for (const li of $("participants").children) {
    const level = state.speaking.get(li.dataset.userId) || 0;
    li.dataset.speaking = String(level > 0);
    li.style.setProperty("--level", String(level));
    li.querySelector(".level").title = level > 0 ? "talking" : "";
  }
  const names = [...state.speaking.keys()].map(nameOf);
  $("speaking").textContent = names.length ? `Talking: ${names.join(", ")}` : "Nobody is talking.";
}

function renderRequests() {
  const list = $("requests");
  list.replaceChildren();
  for (const [userId, username] of state.requests) {
    const li = el("li", "request");
    li.dataset.userId = userId;
    li.append(el("span", "name", username),
      button("Invite", `Invite ${username} to the stage`, () => {
        send({ type: "invite_cohost", user_id: userId });
        state.requests.delete(userId); // the invitation withdraws the request
        renderRequests();
      }),
      button("Dismiss", `Dismiss ${username}'s request`, () => {
        send({ type: "dismiss_request", participant_id: userId });
        state.requests.delete(userId);
        renderRequests();
      }));
    list.append(li);
  }
  show("requests-empty", state.requests.size === 0);
}

function addChat(m) {
  const li = el("li", "chat-message");
  if (m.id !== undefined) {
    li.dataset.id = String(m.id);
  }
  if (isMe(m.user_id)) {
    li.classList.add("mine");
  }
  li.append(el("span", "author", m.username ?? m.user_id ?? "?"), el("time", "time", clock(m.timestamp)),
    el("span", "text", String(m.message ?? "")));
  appendChat(li);
}

function addSystem(text) {
  appendChat(el("li", "chat-system", text));
}

function appendChat(li) {
  const log = $("chat-log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.append(li);
  while (log.children.length > MAX_CHAT_ITEMS) {
    log.firstElementChild.remove();
  }
  if (atBottom) {
    log.scrollTop = log.scrollHeight;
  }
}

function openInvite(m) {
  const dialog = $("invite-dialog");
  const from = m?.from?.username || state.host?.username || "The host";
  const seconds = m?.expires_in;
  $("invite-text").textContent = `${from} invited you to co-host: your microphone goes on when you accept.`
    + (seconds ? ` The invitation is open for ${seconds} s.` : "");
  clearTimeout(inviteTimer);
  if (seconds) {
    inviteTimer = setTimeout(() => {
      if (dialog.open) {
        dialog.close("");
        notice("The co-host invitation expired.");
      }
    }, seconds * 1000);
  }
  if (!dialog.open) {
    dialog.returnValue = "";
    dialog.showModal();
  }
}

$("invite-dialog").addEventListener("close", () => {
  clearTimeout(inviteTimer);
  const answer = $("invite-dialog").returnValue;
  if (answer === "accept") {
    // AudioContext and microphone need the click: start them here, the server confirms.
    audio.start().catch(() => {});
    send({ type: "accept_cohost" });
  } else if (answer === "decline") {
    send({ type: "cohost_reject" });
  }
});

// ---------------------------------------------------------------------------------------------
// Server messages (docs/protocol.md, "Server to client")

const handlers = {
  stream_link(m) {
    state.eventId = m.event_id;
    renderJoinLink();
    if (m.resumed) {
      notice("You are back in your event.");
    }
  },
  room_state(m) {
    state.eventId = m.event.id;
    state.host = m.host;
    state.me = m.you;
    state.role = m.you.role;
    state.mode = m.mode;
    state.cohosts = new Map((m.cohosts || []).map((c) => [c.user_id, { username: c.username, muted: !!c.muted }]));
    if (Array.isArray(m.speak_requests)) {
      state.requests = new Map(m.speak_requests.map((r) => [r.participant_id, r.username]));
    }
    conn.markJoined();
    setConnection("Live");
    $("room-title").textContent = state.role === "host" ? "Your live event" : `${m.host.username}'s event`;
    document.title = `${m.host.username}'s event · Podium`;
    state.recording = m.recording || null;
    renderJoinLink();
    renderRole();
    renderMode();
    renderRecording();
    renderRequests();
    renderParticipants();
    if (m.pending_invite) {
      openInvite(null);
    }
    syncMicrophone();
  },
  participant_list(m) {
    state.participants = m.participants || [];
    state.total = m.total ?? state.participants.length;
    renderParticipants();
  },
  participant_count(m) {
    $("count").textContent = String(m.count);
  },
  chat_history(m) {
    // The history replaces the chat messages (a reconnect sends it again); notices such as our
    // own "joined live", which can arrive before it, stay below it.
    const log = $("chat-log");
    log.querySelectorAll(".chat-message").forEach((li) => li.remove());
    const first = log.firstChild;
    for (const message of m.messages || []) {
      addChat(message);
      log.insertBefore(log.lastChild, first);
    }
    log.scrollTop = log.scrollHeight;
  },
  message_broadcast: addChat,
  participant_joined(m) {
    addSystem(m.message);
  },
  participant_left(m) {
    addSystem(m.message);
    state.requests.delete(m.user_id);
    renderRequests();
  },
  broadcast_message(m) {
    addSystem(m.message);
    notice(m.message);
  },
  cohost_invite(m) {
    openInvite(m);
  },
  cohost_invite_expired(m) {
    notice(m.message);
  },
  cohost_rejected(m) {
    notice(m.message);
  },
  cohost_joined(m) {
    state.cohosts.set(m.participant_id, { username: m.username, muted: false });
    state.requests.delete(m.participant_id);
    addSystem(m.message);
    if (isMe(m.participant_id)) {
      state.role = "cohost";
      state.handRaised = false;
      notice("You are on the stage: your microphone is on.");
    }
    leftOrJoinedStage();
  },
  cohost_left(m) {
    stepDown(m.user_id, m.message, "You left the stage: your microphone is off.");
  },
  cohost_removed(m) {
    stepDown(m.participant_id, m.message, "The host took you off the stage: your microphone is off.");
  },
  speak_request(m) {
    state.requests.set(m.participant_id, m.username);
    renderRequests();
    notice(`${m.username} asks to speak.`);
  },
  speak_request_cancelled(m) {
    state.requests.delete(m.participant_id);
    renderRequests();
  },
  speak_request_dismissed(m) {
    state.handRaised = false;
    renderRole();
    notice(m.message);
  },
  muted(m) {
    const c = state.cohosts.get(m.participant_id);
    if (c) {
      c.muted = true;
    }
    if (isMe(m.participant_id)) {
      state.publishEndedAt = Date.now();
      notice(m.by === m.participant_id ? "You muted your microphone." : "The host muted your microphone.");
    }
    leftOrJoinedStage();
  },
  unmuted(m) {
    const c = state.cohosts.get(m.participant_id);
    if (c) {
      c.muted = false;
    }
    if (isMe(m.participant_id)) {
      notice("Your microphone is on again.");
    }
    leftOrJoinedStage();
  },
  removed(m) {
    finish("You were removed", m.message);
  },
  stream_mode_changed(m) {
    state.mode = m.mode === "switching_to_screen_sharing" ? "screen" : "audio";
    if (state.role === "host" && screenSender) {
      if (state.mode === "screen") {
        screenSender.start(); // the gateway now relays our screen: the first chunk is the init segment
      } else {
        stopScreen();
      }
    }
    renderMode();
    notice(m.message);
  },
  recording_started(m) {
    state.recording = { recording_id: m.recording_id, started_at: m.started_at };
    renderRecording();
    addSystem(m.message);
    notice(m.message);
  },
  recording_stopped(m) {
    state.recording = null;
    renderRecording();
    addSystem(m.message);
    notice(m.message);
  },
  audio_streaming_started() {},
  screen_sharing_started() {},
  stream_ended(m) {
    finish("The event has ended", m.message);
  },
  speaker_levels(m) {
    state.speaking = new Map((m.levels || []).map((l) => [l.user_id, l.level]));
    levelLog.push({ t: Date.now(), levels: m.levels || [] });
    if (levelLog.length > 1000) {
      levelLog.splice(0, levelLog.length - 1000);
    }
    renderLevels();
  },
  invite_notification(m) {
    const p = el("p", "notice", `${m.message} `);
    const link = el("a", null, "Join");
    link.href = `/?event=${encodeURIComponent(m.event.id)}`;
    link.target = "_blank";
    link.rel = "noopener";
    p.append(link);
    $("notices").prepend(p);
  },
  error(m) {
    if (m.code === "not_allowed" && Date.now() - state.publishEndedAt < 2000) {
      // Audio frames already on their way when we left the stage or were muted: expected.
      console.info("podium: audio sent just before losing the stage was refused");
      return;
    }
    showError(m.code || "error", m.message || "Something went wrong.");
    if (m.code === "replaced") {
      conn.markFinal();
    }
    if (m.code === "not_invited" || m.code === "invite_expired") {
      $("invite-dialog").open && $("invite-dialog").close("");
    }
    if (m.code === "already_cohost" || m.code === "guest_cannot_speak") {
      state.handRaised = false;
      renderRole();
    }
  },
  reconnect(m) {
    // The gateway is going away (it closes with 1012 next): come back when it says, to the next
    // gateway in the list when there are several.
    conn.reconnectAfter(m.after_ms);
    notice("The server is restarting; reconnecting…");
  },
  participant_page() {},
  webrtc_offer() {},
  webrtc_answer() {},
  ice_candidate() {},
};

function stepDown(userId, message, toMe) {
  state.cohosts.delete(userId);
  addSystem(message);
  if (isMe(userId)) {
    state.role = "listener";
    state.publishEndedAt = Date.now();
    notice(toMe);
  }
  leftOrJoinedStage();
}

function leftOrJoinedStage() {
  renderRole();
  renderParticipants();
  syncMicrophone();
}

function onMessage(m) {
  const handler = handlers[m.type];
  if (handler) {
    handler(m);
  } else {
    console.debug("podium: unhandled message", m.type);
  }
}

// ---------------------------------------------------------------------------------------------
// Controls

$("chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("chat-input");
  const text = input.value;
  if (!text.trim()) {
    return;
  }
  if (conn && conn.send({ type: "broadcast_message", message: text })) {
    input.value = "";
  } else {
    showError("not_connected", "You are not connected right now; your message was not sent.");
  }
});

$("copy-link").addEventListener("click", async () => {
  const input = $("join-link");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand("copy");
  }
  notice("The join link is copied.");
});

$("host-mic").addEventListener("click", () => {
  state.hostMicMuted = !state.hostMicMuted;
  syncMicrophone();
});

$("screen-toggle").addEventListener("click", toggleScreen);

$("record-toggle").addEventListener("click", () => {
  // The room's recording_started / recording_stopped switch the button; a refusal
  // (already_recording, not_recording, not_host) shows as an error.
  send({ type: state.recording ? "stop_recording" : "start_recording" });
});

$("end-event").addEventListener("click", () => {
  $("end-dialog").returnValue = "";
  $("end-dialog").showModal();
});

$("end-dialog").addEventListener("close", () => {
  if ($("end-dialog").returnValue === "end") {
    send({ type: "stream_ended", event_id: state.eventId });
  }
});

$("raise-hand").addEventListener("click", () => {
  state.handRaised = !state.handRaised;
  send({ type: state.handRaised ? "request_to_speak" : "cancel_request" });
  renderRole();
  notice(state.handRaised ? "You raised your hand: the host sees your request." : "You lowered your hand.");
});

$("cohost-mute").addEventListener("click", () => {
  audio.start().catch(() => {});
  send({ type: isMuted(state.me?.user_id) ? "unmute" : "mute" });
});

$("leave-stage").addEventListener("click", () => send({ type: "cohost_leave" }));

$("leave-event").addEventListener("click", () => {
  send({ type: "leave_room" });
  finish("You left the event", "You can join again with the same link while the event is live.");
});

// ---------------------------------------------------------------------------------------------
// Test hooks (used by the browser tests; harmless otherwise)

window.podiumTestLevel = () => audio.level();
window.podiumTestSpeakers = () => [...state.speaking.keys()];
window.podiumTestLevelLog = () => levelLog.slice();
window.podiumTestMicTracks = () => audio.liveMicTracks();
window.podiumTestDropConnection = () => conn?.ws?.close(4000, "test: connection dropped");

initLanding();
