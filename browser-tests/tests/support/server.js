// Starts the all-in-one (../deploy/target/podium.jar), or another Podium jar, in dev mode on a
// free port with a cluster name of its own, waits until it is up, and stops or kills it again.

import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const moduleDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TARGET = resolve(moduleDir, "target");
const JAR = process.env.PODIUM_JAR || resolve(moduleDir, "../deploy/target/podium.jar");
export const GATEWAY_JAR = resolve(moduleDir, "../gateway/target/podium-gateway.jar");
const JWT_SECRET = "browser-tests-secret-0123456789abcdef";
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

export function freePort() {
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

/**
 * Starts the server; resolves to {baseUrl, opsUrl, port, stop(), kill()} once `ready` (a path)
 * answers 200 with status "up": `/health` on the client port, or `/health/ready` (or `/health/live`)
 * on the ops port (PODIUM_OPS_PORT, loopback). Options: `jar` (default the all-in-one), `env`
 * (added to and overriding the defaults, such as a shared PODIUM_CLUSTER_NAME), `log` (the log's
 * name in target/), `port` (the client port, when a test must know it before the start).
 */
export async function startPodium({ jar = JAR, env = {}, log: logName = "podium-server", ready = "/health", port } = {}) {
  if (!existsSync(jar)) {
    throw new Error(`${jar} is missing: build it first (mvn -B -DskipTests package)`);
  }
  mkdirSync(TARGET, { recursive: true });
  port = port ?? await freePort();
  const opsPort = await freePort();
  const name = basename(jar);
  const log = createWriteStream(resolve(TARGET, `${logName}.log`));
  // The all-in-one's embedded PostgreSQL keeps its data here, one folder per server.
  mkdirSync(resolve(TARGET, "podium-data"), { recursive: true });
  const dataDir = mkdtempSync(resolve(TARGET, "podium-data", `${logName}-`));
  const child = spawn("java", ["-jar", jar], {
    env: {
      ...process.env,
      PODIUM_DEV: "true",
      PODIUM_JWT_SECRET: JWT_SECRET,
      PODIUM_HTTP_HOST: "127.0.0.1",
      PODIUM_HTTP_PORT: String(port),
      PODIUM_OPS_HOST: "127.0.0.1",
      PODIUM_OPS_PORT: String(opsPort),
      PODIUM_CLUSTER_NAME: `podium-browser-${process.pid}-${Date.now()}`,
      PODIUM_HOST_GRACE_MS: "5000",
      PODIUM_LOG_LEVEL: process.env.PODIUM_LOG_LEVEL || "INFO",
      PODIUM_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  const killOnExit = () => {
    child.kill("SIGKILL");
    stopOrphanedPostgres(dataDir);
  };
  process.on("exit", killOnExit);

  const baseUrl = `http://127.0.0.1:${port}`;
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const readyUrl = `${ready.startsWith("/health/") ? opsUrl : baseUrl}${ready}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}); see target/${logName}.log`);
    }
    try {
      const response = await fetch(readyUrl);
      if (response.ok && String((await response.json()).status).toLowerCase() === "up") {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not report up on ${readyUrl} within ${START_TIMEOUT_MS} ms`);
    }
    await sleep(250);
  }

  async function stop(signal = "SIGTERM") {
    process.off("exit", killOnExit);
    if (exited) {
      log.end();
      return;
    }
    const done = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await done;
    clearTimeout(timer);
    // A JVM killed with SIGKILL cannot stop its PostgreSQL: do it here, as an operator would.
    stopOrphanedPostgres(dataDir);
    log.end();
  }

  return { baseUrl, opsUrl, port, stop, kill: () => stop("SIGKILL") };
}

/** Stops the PostgreSQL left running on a data folder (named by its postmaster.pid), if any. */
function stopOrphanedPostgres(dataDir) {
  const pidFile = resolve(dataDir, "postgres", "postmaster.pid");
  if (!existsSync(pidFile)) {
    return;
  }
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && pid > 1) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}
