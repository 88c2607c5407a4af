// The `onramp` command as a user runs it: a child process of bin/onramp.js, its output and exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../../bin/onramp.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Finished>;
}

/** The environment of a test run minus what would change onramp's behaviour behind the test's back. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...extra };
  for (const name of ['RESEND_API_KEY', 'MAIL_MODE', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN', 'GITBOOK_MODE', 'INGEST_TOKEN', 'ADMIN_TOKEN', 'NODE_ENV', 'SEARCH_JWT_SECRET', 'SEARCH_JWKS_URL']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** `group`: the child leads a process group of its own, so that killGroup() reaches its descendants too. */
export function spawnCommand(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string, group = false): Running {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: group, ...(cwd === undefined ? {} : { cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Finished>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export function spawnOnramp(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Running {
  return spawnCommand(process.execPath, [BIN, ...args], env, cwd);
}

/** Runs to the end; a run longer than `timeoutMs` is killed and fails the caller's assertions by its signal. */
export async function runOnramp(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Finished> {
  const running = spawnOnramp(args, env);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A port nothing listens on (just released by a probe). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Whether a port can be bound again (nothing holds it). */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().listen(port, '127.0.0.1', () => probe.close(() => resolve(true))).on('error', () => resolve(false));
  });
}

/** SIGKILL to a child's whole process group (spawned with `group`), whatever is left of it. */
export function killGroup(running: Running): void {
  try {
    process.kill(-running.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}
