// Two gateways in one cluster: the all-in-one (../deploy/target/podium.jar) and a gateway-only
// process (../gateway/target/podium-gateway.jar), sharing the cluster name and (startPodium's
// default) the JWT secret, so a token from one gateway's /dev/token is valid on the other.
// A listener on the gateway-only process lists both gateways in `?gateways=`; the gateway is
// killed with SIGKILL and the listener's page reconnects through the all-in-one (issue 6).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { closeUsers, launchBrowser, newUser, screenshots } from "./support/browser.js";
import { assertNoPageErrors, goLive, join, sendChat, waitForChat, waitForRoom, WAIT_MS } from "./support/podium.js";
import { freePort, GATEWAY_JAR, startPodium } from "./support/server.js";

let allInOne;
let gateway;
let browser;

before(async () => {
  const ports = [await freePort(), await freePort()];
  const httpPorts = [await freePort(), await freePort()];
  const cluster = {
    PODIUM_CLUSTER_NAME: `podium-browser-failover-${process.pid}-${Date.now()}`,
    PODIUM_CLUSTER_MEMBERS: ports.map((p) => `127.0.0.1:${p}`).join(","),
    // The listener's page comes from the gateway and fails over to the all-in-one: each gateway
    // allows pages of the other (PODIUM_ALLOWED_ORIGINS; by default only its own origin).
    PODIUM_ALLOWED_ORIGINS: httpPorts.map((p) => `http://127.0.0.1:${p}`).join(","),
  };
  const started = await Promise.allSettled([
    startPodium({ log: "failover-all-in-one", ready: "/health/ready", port: httpPorts[0], env: { ...cluster, PODIUM_CLUSTER_PORT: String(ports[0]) } }),
    startPodium({ jar: GATEWAY_JAR, log: "failover-gateway", ready: "/health/ready", port: httpPorts[1], env: { ...cluster, PODIUM_CLUSTER_PORT: String(ports[1]) } }),
  ]);
  [allInOne, gateway] = started.map((s) => s.value);
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    throw failed.reason;
  }
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  await browser?.close().catch(() => {});
  await gateway?.stop();
  await allInOne?.stop();
});

const wsUrl = (server) => server.baseUrl.replace(/^http/, "ws");

test("a listener whose gateway is killed reconnects through the next gateway in its list", { timeout: 60_000 }, async (t) => {
  const host = await newUser(browser, allInOne.baseUrl, "host");
  const listener = await newUser(browser, gateway.baseUrl, "listener");
  const users = [host, listener];
  const sockets = [];
  listener.page.on("websocket", (ws) => sockets.push(ws));
  try {
    const link = await goLive(host, "Hana Host");
    const eventId = new URL(link).searchParams.get("event");
    await join(listener, `${gateway.baseUrl}/?event=${eventId}&gateways=${wsUrl(gateway)},${wsUrl(allInOne)}`, "Lee Listener");
    const everyone = [host.userId, listener.userId];
    await waitForRoom(listener, everyone);
    await waitForRoom(host, everyone);
    assert.equal(sockets.length, 1);
    assert.ok(sockets[0].url().startsWith(`${wsUrl(gateway)}/ws/`), sockets[0].url());
    await sendChat(host, "Before the crash");
    await waitForChat(listener, "Hana Host", "Before the crash");

    const dropped = sockets[0].waitForEvent("close", { timeout: WAIT_MS });
    const killedAt = Date.now();
    await gateway.kill();
    await dropped;
    await listener.page.waitForFunction(() => document.getElementById("connection").textContent === "Live", null, { timeout: WAIT_MS });
    const back = Date.now() - killedAt;
    assert.ok(sockets.at(-1).url().startsWith(`${wsUrl(allInOne)}/ws/stream/live/join/event/${eventId}/`), sockets.at(-1).url());
    assert.ok(await listener.page.isVisible("#room"));
    assert.equal(await listener.page.textContent("#room-title"), "Hana Host's event");
    assert.equal(await listener.page.textContent("#role"), "You: Listener");
    await waitForRoom(listener, everyone);
    await waitForRoom(host, everyone);

    await sendChat(host, "After the crash");
    await waitForChat(listener, "Hana Host", "After the crash");
    await sendChat(listener, "Back through the other gateway");
    await waitForChat(host, "Lee Listener", "Back through the other gateway");
    t.diagnostic(`listener live again ${back} ms after the SIGKILL, through ${sockets.length - 1} reconnect socket(s)`);
    assertNoPageErrors(users);
  } finally {
    await screenshots("gateway failover", users);
    await closeUsers(users);
  }
});
