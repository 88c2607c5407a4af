// A real single-node OpenSearch 2.19 (k-NN plugin, lucene engine) for tests: the launcher in tools/opensearch-node,
// built once with Maven (artifacts cached in ~/.m2, classpath in tools/opensearch-node/target, git-ignored), then
// started on a port the system picks, with its data in a temporary folder. TEST_OPENSEARCH_URL points the tests
// at a cluster of your own instead (e.g. the docker compose one); nothing is started then, and
// TEST_OPENSEARCH_KNN_ENGINE=faiss tests the default engine where the cluster has its native libraries.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KnnEngine } from '@onramp/search';

export const NODE_TOOL_DIR = fileURLToPath(new URL('../../../../tools/opensearch-node/', import.meta.url));
const TARGET = join(NODE_TOOL_DIR, 'target');
const STAMP = join(TARGET, 'onramp-build.sha256');
const LOCK = join(NODE_TOOL_DIR, '.build.lock');
/** The engine the real-node tests use: lucene, the one that needs no native library; faiss for a full distribution. */
export const TEST_KNN_ENGINE = (process.env.TEST_OPENSEARCH_KNN_ENGINE ?? 'lucene') as KnnEngine;
const READY = /^onramp-opensearch-node (http:\/\/\S+)$/m;
// A modest heap; C1 only and the serial collector: the node starts in about half the time on 2 shared cores, and
// test-sized work never needs the optimizing compiler.
const JVM = ['-Xms512m', '-Xmx1g', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export interface OpenSearchNode {
  url: string;
  /** How long the node took from spawn to its first answer, ms (0 for an external cluster). */
  startMs: number;
  /** How long building the launcher took in this process, ms (0 when the cached build was used). */
  buildMs: number;
  stop(): Promise<void>;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of ['pom.xml', 'src/main/java/onramp/opensearchnode/Main.java']) hash.update(readFileSync(join(NODE_TOOL_DIR, file)));
  return hash.digest('hex');
}

function isBuilt(hash: string): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the launcher unless the cached build matches its sources; one builder at a time across test files.
 * Returns how long the build took, ms (0: the cached one was used). `.ci/run` calls it before the tests.
 */
export async function buildOpenSearchNode(): Promise<number> {
  const hash = sourceHash();
  if (isBuilt(hash)) return 0;
  const started = performance.now();
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      break;
    } catch {
      // Another test file is building; a lock older than 15 minutes was left by a killed build.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 15 * 60_000) rmSync(LOCK, { force: true });
      await sleep(500);
      if (isBuilt(hash)) return 0;
    }
  }
  try {
    if (isBuilt(hash)) return 0;
    const mvn = spawnSync('mvn', ['-q', '-B', '-f', join(NODE_TOOL_DIR, 'pom.xml'), 'package'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (mvn.error !== undefined || mvn.status !== 0) {
      throw new Error(`building tools/opensearch-node failed (${mvn.error?.message ?? `exit ${mvn.status}`}): ${(mvn.stdout + mvn.stderr).slice(-4000)}`);
    }
    mkdirSync(TARGET, { recursive: true });
    writeFileSync(STAMP, hash);
    return Math.round(performance.now() - started);
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts a node (or adopts TEST_OPENSEARCH_URL). Always call stop(); the node also dies with this process. */
export async function startOpenSearchNode(): Promise<OpenSearchNode> {
  const external = process.env.TEST_OPENSEARCH_URL;
  if (external !== undefined && external !== '') return { url: external, startMs: 0, buildMs: 0, stop: async () => {} };

  const buildMs = await buildOpenSearchNode();
  const data = mkdtempSync(join(tmpdir(), 'onramp-opensearch-'));
  const classpath = ['classes', 'lib/*', 'knn/*'].map((p) => join(TARGET, p)).join(':');
  const started = performance.now();
  // Its own process group, so that stop() ends the JVM and anything it started; stdin is its lifeline: when this
  // process dies, however it dies, the pipe closes and the node exits (Main.watchParent).
  const child = spawn('java', [...JVM, '-Djava.awt.headless=true', '-Dlog4j2.disable.jmx=true', '-cp', classpath, 'onramp.opensearchnode.Main', '--data', data, '--ephemeral'], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    process.removeListener('exit', onExit);
    child.stdin!.end();
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    rmSync(data, { recursive: true, force: true });
  };

  const deadline = Date.now() + 180_000;
  let url: string | undefined;
  while (url === undefined) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`the OpenSearch test node exited before it was ready:\n${output.slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the OpenSearch test node did not start within 180 s:\n${output.slice(-4000)}`);
    }
    url = READY.exec(output)?.[1];
    if (url === undefined) await sleep(100);
  }
  return { url, startMs: Math.round(performance.now() - started), buildMs, stop };
}
