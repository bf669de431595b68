import fs from "node:fs";
import os from "node:os";
import type { HostFacts } from "../server/contracts/agent-protocol";
import { CommandExecutor } from "./command-executor";
import { parseAgentArgs, readCredential, redactArgv, writeCredential, type AgentConfig, type StoredCredential } from "./config";
import { AgentConnection } from "./connection";
import { enrollHost, EnrollmentRefusedError } from "./enrollment";
import { Journal } from "./journal";
import { createLayout, ensureRootDirs, type Layout } from "./layout";
import { describeProxyFor } from "./proxy";
import { acquireRootLock, RootLockedError } from "./root-lock";
import { AGENT_VERSION } from "./version";

function log(message: string): void {
  console.log(`${new Date().toISOString()} ${message}`);
}

function fail(message: string): never {
  console.error(`${new Date().toISOString()} error: ${message}`);
  process.exit(1);
}

function collectFacts(layout: Layout): HostFacts {
  let freeDiskBytes = 0;
  try {
    const stats = fs.statfsSync(layout.root);
    freeDiskBytes = stats.bavail * stats.bsize;
  } catch {
    // unknown
  }
  return {
    hostname: os.hostname().slice(0, 255),
    platform: os.platform(),
    osRelease: os.release().slice(0, 128),
    arch: os.arch(),
    agentVersion: AGENT_VERSION,
    nodeVersion: process.version,
    freeDiskBytes,
    rootDir: layout.root,
  };
}

async function enrollWithRetry(config: AgentConfig, layout: Layout): Promise<StoredCredential> {
  const serverUrl = config.serverUrl!;
  for (let attempt = 1; ; attempt++) {
    try {
      const enrolled = await enrollHost(serverUrl, { token: config.enrollToken!, name: config.name, tags: config.tags, facts: collectFacts(layout) });
      if (enrolled.approval === "pending") log(`${enrolled.hostName} waits for an admin's approval (Hosts page) before it receives any deployment`);
      return { serverUrl, hostId: enrolled.hostId, hostName: enrolled.hostName, credential: enrolled.credential };
    } catch (error) {
      if (error instanceof EnrollmentRefusedError) fail(error.message);
      if (attempt >= 8) fail(`could not enroll with ${serverUrl}: ${(error as Error).message}`);
      const delay = Math.min(60_000, 1000 * 2 ** attempt);
      log(`could not reach ${serverUrl} to enroll (${(error as Error).message}); retrying in ${Math.round(delay / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function loadOrEnroll(config: AgentConfig, layout: Layout): Promise<StoredCredential> {
  const stored = readCredential(layout.credentialFile);
  if (stored && (!config.serverUrl || config.serverUrl === stored.serverUrl)) {
    if (config.enrollToken) log(`already enrolled as ${stored.hostName}; the enrollment token is not needed`);
    return stored;
  }
  if (stored && !config.enrollToken) {
    fail(`this agent is enrolled with ${stored.serverUrl}, not ${config.serverUrl}; pass --enroll TOKEN to enroll with the new server`);
  }
  if (!config.serverUrl || !config.enrollToken) fail("this host is not enrolled yet: start the agent with --server URL --enroll TOKEN");
  const credential = await enrollWithRetry(config, layout);
  writeCredential(layout.credentialFile, credential);
  log(`enrolled with ${credential.serverUrl} as ${credential.hostName} (host ${credential.hostId}); credential stored in ${layout.credentialFile}`);
  return credential;
}

/**
 * Keeps the enrollment token away from other processes as far as the OS allows: the command line shown by `ps`
 * and /proc/<pid>/cmdline is overwritten, and the variable leaves this process's environment (hooks never get
 * it). /proc/<pid>/environ keeps the environment the agent started with, readable by processes of the same user.
 */
function hideEnrollToken(): void {
  process.title = ["landline-agent", ...redactArgv(process.argv.slice(2))].join(" ");
  delete process.env.LANDLINE_ENROLL_TOKEN;
}

async function main(): Promise<void> {
  const config = parseAgentArgs(process.argv);
  hideEnrollToken();
  if (os.platform() !== "linux") log(`warning: the agent supports linux hosts; this is ${os.platform()}`);
  const layout = createLayout(config.rootDir);
  ensureRootDirs(layout);
  let releaseRoot: () => void;
  try {
    releaseRoot = acquireRootLock(layout.root);
  } catch (error) {
    if (error instanceof RootLockedError) fail(error.message);
    throw error;
  }
  const credential = await loadOrEnroll(config, layout);
  const proxy = describeProxyFor(credential.serverUrl);
  if (proxy) log(`using proxy ${proxy} for ${credential.serverUrl}`);

  const journal = Journal.open(layout.stateDir);
  const executor = new CommandExecutor({
    layout,
    journal,
    serverUrl: credential.serverUrl,
    credential: credential.credential,
    hostName: credential.hostName,
    maxRevisions: config.maxRevisions,
    log,
  });
  await executor.recoverAfterRestart();
  const connection = new AgentConnection({
    serverUrl: credential.serverUrl,
    credential: credential.credential,
    journal,
    executor,
    facts: () => collectFacts(layout),
    log,
  });
  log(`landline agent ${AGENT_VERSION} starting (root ${layout.root}, keeping ${config.maxRevisions} revisions per deployment group)`);
  connection.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}; stopping`);
    connection.close();
    await executor.shutdown();
    journal.close();
    releaseRoot();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => fail((error as Error).stack ?? String(error)));
