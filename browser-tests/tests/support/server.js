// Starts the all-in-one (../deploy/target/podium.jar) in dev mode on a free port with a cluster
// name of its own, waits for /health, and stops it again.

import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const moduleDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TARGET = resolve(moduleDir, "target");
const JAR = process.env.PODIUM_JAR || resolve(moduleDir, "../deploy/target/podium.jar");
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the server; resolves to {baseUrl, port, stop()} once /health says "up". */
export async function startPodium() {
  if (!existsSync(JAR)) {
    throw new Error(`${JAR} is missing: build it first (mvn -B -DskipTests package)`);
  }
  mkdirSync(TARGET, { recursive: true });
  const port = await freePort();
  const log = createWriteStream(resolve(TARGET, "podium-server.log"));
  const child = spawn("java", ["-jar", JAR], {
    env: {
      ...process.env,
      PODIUM_DEV: "true",
      PODIUM_JWT_SECRET: "browser-tests-secret-0123456789abcdef",
      PODIUM_HTTP_HOST: "127.0.0.1",
      PODIUM_HTTP_PORT: String(port),
      PODIUM_CLUSTER_NAME: `podium-browser-${process.pid}-${Date.now()}`,
      PODIUM_HOST_GRACE_MS: "5000",
      PODIUM_LOG_LEVEL: process.env.PODIUM_LOG_LEVEL || "INFO",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new Error(`podium.jar exited during start-up (${JSON.stringify(exited)}); see target/podium-server.log`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok && (await response.json()).status === "up") {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`podium.jar did not report up on ${baseUrl}/health within ${START_TIMEOUT_MS} ms`);
    }
    await sleep(250);
  }

  async function stop() {
    process.off("exit", killOnExit);
    if (exited) {
      return;
    }
    const done = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await done;
    clearTimeout(timer);
    log.end();
  }

  return { baseUrl, port, stop };
}
