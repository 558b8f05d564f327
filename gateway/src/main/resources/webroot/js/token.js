// Where the page's token comes from, in this order:
//   1. `?token=...` in the page's own URL (an embedding app links or frames the page with it);
//   2. a message from the embedding app: postMessage({type: "podium-token", token, user_id?})
//      sent to this page by its parent frame or opener (or this page itself). On load the page
//      announces itself to its parent/opener with {type: "podium-ready"}. A token is accepted
//      only from the page's own origin or one the gateway allows (PODIUM_ALLOWED_ORIGINS, served
//      as /client-config.json); `?origin=` in the page URL narrows that to one origin;
//   3. `GET /dev/token?user_id=..&username=..`, served only by a gateway in dev mode;
//   4. otherwise the page waits up to 30 s for (2).
// The user id is `?user_id=`, the message's `user_id`, or read from the token's claims
// (`user_id`, else `sub`); the gateway checks it against the token in any case.

const params = new URLSearchParams(location.search);
const POST_MESSAGE_WAIT_MS = 30000;

/** The claims of a JWT (unverified: only to learn the user id and name to show). */
export function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, "=")),
      (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
    return JSON.parse(json);
  } catch {
    return {};
  }
}

function identityFrom(token, userId) {
  const c = claims(token);
  return {
    token,
    userId: userId || c.user_id || c.sub || "",
    username: c.username || c.name || userId || c.user_id || c.sub || "",
  };
}

/** A token handed over in the URL, if any (then the page does not ask for a name). */
export function tokenFromUrl() {
  const token = params.get("token");
  return token ? identityFrom(token, params.get("user_id")) : null;
}

/** Asks the gateway's dev endpoint; null when it is not there (not in dev mode). */
export async function devToken(userId, username) {
  const url = `/dev/token?user_id=${encodeURIComponent(userId)}&username=${encodeURIComponent(username)}`;
  let response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch {
    return null;
  }
  if (!response.ok) {
    return null;
  }
  const body = await response.json();
  return { token: body.token, userId: body.user_id, username };
}

// Tokens posted by the embedding app are collected from page load on, so an app that posts
// as soon as it sees {type: "podium-ready"} is never missed. Any page can open or frame this one
// and post to it, so a token counts only when it comes from an origin the gateway allows:
// otherwise a foreign site could sign the visitor in as someone else.
const narrowedTo = params.get("origin");
const embedders = [window.parent !== window ? window.parent : null, window.opener].filter(Boolean);
let embedded = null;
let clientConfig = null; // {allowed_origins: [...], any_origin}, once /client-config.json answered
const early = [];        // messages that came before it
const waiting = [];

fetch("/client-config.json", { cache: "no-cache" })
  .then((r) => (r.ok ? r.json() : {}))
  .catch(() => ({}))
  .then((config) => {
    clientConfig = config || {};
    early.splice(0).forEach(accept);
  });

function originAllowed(origin) {
  if (narrowedTo && origin !== narrowedTo) {
    return false;
  }
  const listed = Array.isArray(clientConfig.allowed_origins) ? clientConfig.allowed_origins : [];
  return origin === location.origin || clientConfig.any_origin === true || listed.includes(origin);
}

function accept({ origin, data }) {
  if (!originAllowed(origin)) {
    console.warn("podium: ignoring a token posted from", origin, "(not in PODIUM_ALLOWED_ORIGINS)");
    return;
  }
  embedded = identityFrom(data.token, typeof data.user_id === "string" ? data.user_id : params.get("user_id"));
  waiting.splice(0).forEach((resolve) => resolve(embedded));
}

window.addEventListener("message", (e) => {
  const data = e.data;
  if (!data || data.type !== "podium-token" || typeof data.token !== "string") {
    return;
  }
  if (clientConfig) {
    accept({ origin: e.origin, data });
  } else if (early.length < 16) { // a flood before the config came is not worth keeping
    early.push({ origin: e.origin, data });
  }
});
for (const w of embedders) {
  // Nothing secret in it: any opener may learn that the page is ready.
  w.postMessage({ type: "podium-ready" }, narrowedTo || "*");
}

/** The embedding app's {type: "podium-token"} message; rejects after 30 s without one. */
export function tokenFromEmbedder() {
  if (embedded) {
    return Promise.resolve(embedded);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const i = waiting.indexOf(done);
      if (i >= 0) {
        waiting.splice(i, 1);
      }
      reject(new Error("No token: this server gives no dev tokens; open the page with ?token=... "
        + "or have the embedding app post {type: \"podium-token\", token}"));
    }, POST_MESSAGE_WAIT_MS);
    function done(identity) {
      clearTimeout(timer);
      resolve(identity);
    }
    waiting.push(done);
  });
}

/** The identity handed over by the URL or the embedding app so far, or null. */
export function externalIdentity() {
  return tokenFromUrl() || embedded;
}

/**
 * The identity to connect with: the URL's or embedding app's token, else a dev token for
 * (userId, username), else the embedding app's token when it comes.
 */
export async function obtainIdentity(userId, username) {
  return tokenFromUrl() || embedded || (await devToken(userId, username)) || (await tokenFromEmbedder());
}
