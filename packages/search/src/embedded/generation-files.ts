// A generation on disk, in its own folder. A *snapshot* n is three files — `items.<n>.jsonl` (one item a
// line, without its vector), `vectors.<n>.f32` (the vectors in the same order) and `hnsw.<n>.bin` (the
// graph, as hnswlib writes it) — and `journal.<m>.jsonl` holds the writes made after snapshot m
// (generation-journal.ts). `meta.json` names the snapshot to load and is written last (beside, then
// renamed), so a crash while a snapshot is written leaves the previous snapshot and its journals in force:
// loading is snapshot n, then journals n, n+1, … in order. Files of older snapshots go once the new meta is
// in place. A folder written before snapshots were numbered (`items.jsonl`, …, no journal) still loads.
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type * as Hnswlib from 'hnswlib-node';
import type { Logger } from '@onramp/core';
import { createGeneration, type Generation, type GenerationMeta, type HnswParameters, type StoredItem } from './generation.js';
import { replayJournal } from './generation-journal.js';
import type { ItemMeta } from './access.js';

const hnswlib = createRequire(import.meta.url)('hnswlib-node') as typeof Hnswlib;

/** Items serialized between two yields to the event loop while a snapshot is written. */
const SLICE = 256;

interface StoredMeta extends GenerationMeta {
  count?: number;
  /** The snapshot to load; absent in folders written before snapshots were numbered. */
  snapshot?: number;
}

const names = (snapshot: number | undefined) =>
  snapshot === undefined
    ? { items: 'items.jsonl', vectors: 'vectors.f32', graph: 'hnsw.bin' }
    : { items: `items.${snapshot}.jsonl`, vectors: `vectors.${snapshot}.f32`, graph: `hnsw.${snapshot}.bin` };

export const journalFile = (snapshot: number) => `journal.${snapshot}.jsonl`;

/**
 * Takes snapshot `snapshot` of the generation: the part that must see one state — which items there are,
 * and the graph — synchronously, now (the graph write is hnswlib's own, in C++). The returned function
 * finishes it: the items and vectors serialized in slices, yielding to the event loop between slices, and
 * written asynchronously; it resolves once meta.json names the new snapshot. Finish one at a time.
 */
export function captureSnapshot(dir: string, generation: Generation, snapshot: number): () => Promise<void> {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const stored = [...generation.items.values()];
  generation.hnsw.writeIndexSync(join(dir, names(snapshot).graph));
  return () => finishSnapshot(dir, generation.meta, stored, snapshot);
}

/** A whole snapshot, captured and written. */
export function writeSnapshot(dir: string, generation: Generation, snapshot: number): Promise<void> {
  return captureSnapshot(dir, generation, snapshot)();
}

async function finishSnapshot(dir: string, meta: GenerationMeta, stored: StoredItem[], snapshot: number): Promise<void> {
  const files = names(snapshot);
  const { dimension } = meta;
  const parts: string[] = [];
  const vectors = new Float32Array(stored.length * dimension);
  for (let i = 0; i < stored.length; i += SLICE) {
    const slice = stored.slice(i, i + SLICE);
    parts.push(slice.map((s) => `${JSON.stringify({ label: s.label, ...s.meta })}\n`).join(''));
    slice.forEach((s, j) => vectors.set(s.vector, (i + j) * dimension));
    await yieldToEventLoop();
  }
  await writeFile(join(dir, files.items), parts.join(''));
  await writeFile(join(dir, files.vectors), new Uint8Array(vectors.buffer));
  const stamped: StoredMeta = { ...meta, count: stored.length, snapshot };
  await writeFile(join(dir, 'meta.json.tmp'), JSON.stringify(stamped));
  await rename(join(dir, 'meta.json.tmp'), join(dir, 'meta.json'));
  await removeStaleFiles(dir, snapshot);
}

/** Files of snapshots and journals before `snapshot` (and of one whose writing a crash cut short). */
async function removeStaleFiles(dir: string, snapshot: number): Promise<void> {
  for (const file of await readdir(dir)) {
    const numbered = /^(?:items|vectors|hnsw|journal)\.(\d+)\.(?:jsonl|f32|bin)$/.exec(file);
    const legacy = /^(?:items\.jsonl|vectors\.f32|hnsw\.bin)$/.test(file);
    if (legacy || (numbered !== null && Number(numbered[1]) < snapshot)) await rm(join(dir, file), { force: true });
  }
}

export async function readGenerationMeta(dir: string): Promise<StoredMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as StoredMeta;
  } catch {
    return undefined;
  }
}

async function readItems(dir: string, files: ReturnType<typeof names>, dimension: number): Promise<StoredItem[]> {
  const bytes = await readFile(join(dir, files.vectors));
  const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const items: StoredItem[] = [];
  const lines = createInterface({ input: createReadStream(join(dir, files.items), 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const { label, ...meta } = JSON.parse(line) as ItemMeta & { label: number };
    const offset = items.length * dimension;
    items.push({ label, meta, vector: vectors.slice(offset, offset + dimension) });
  }
  if (items.length * dimension !== vectors.length) throw new Error(`${dir}: items and vectors disagree`);
  return items;
}

function readGraph(path: string, meta: GenerationMeta, items: StoredItem[]): Hnswlib.HierarchicalNSW | undefined {
  try {
    const graph = new hnswlib.HierarchicalNSW('ip', meta.dimension);
    graph.readIndexSync(path);
    const labels = new Set(graph.getIdsList());
    return items.every((item) => labels.has(item.label)) ? graph : undefined;
  } catch {
    return undefined;
  }
}

export interface LoadedGeneration {
  generation: Generation;
  /** The snapshot loaded. */
  snapshot: number;
  /** The journal this process should append to: the last one replayed (or the snapshot's own). */
  journal: number;
  /** Writes replayed from journals on top of the snapshot. */
  replayed: number;
}

export async function loadGeneration(dir: string, params: HnswParameters, logger?: Logger): Promise<LoadedGeneration | undefined> {
  const meta = await readGenerationMeta(dir);
  if (meta === undefined) return undefined;
  const { count: _count, snapshot, ...plain } = meta;
  const files = names(snapshot);
  const items = await readItems(dir, files, meta.dimension);
  const hnsw = readGraph(join(dir, files.graph), meta, items);
  const generation = createGeneration(plain, params, hnsw === undefined ? { items } : { items, hnsw });
  const base = snapshot ?? 0;
  const journals = (await readdir(dir))
    .map((file) => /^journal\.(\d+)\.jsonl$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .filter((n) => n >= base)
    .sort((a, b) => a - b);
  let replayed = 0;
  for (const n of journals) replayed += await replayJournal(join(dir, journalFile(n)), generation, logger);
  return { generation, snapshot: base, journal: journals.at(-1) ?? base, replayed };
}

export async function removeGeneration(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
