// A generation on disk, in its own folder: `meta.json`, `items.jsonl` (one item a line, without its
// vector), `vectors.f32` (the vectors in the same order) and `hnsw.bin` (the graph, as hnswlib writes it).
// Each file is written beside and renamed into place; `meta.json` goes last, so a folder with a meta.json
// is complete. If the graph file is missing or does not match the items, the graph is rebuilt from vectors.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type * as Hnswlib from 'hnswlib-node';
import { createGeneration, type Generation, type GenerationMeta, type HnswParameters, type StoredItem } from './generation.js';
import type { ItemMeta } from './access.js';

const hnswlib = createRequire(import.meta.url)('hnswlib-node') as typeof Hnswlib;

export async function saveGeneration(dir: string, generation: Generation): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stored = [...generation.items.values()];
  const lines = stored.map((s) => JSON.stringify({ label: s.label, ...s.meta }));
  const vectors = new Float32Array(stored.length * generation.meta.dimension);
  stored.forEach((s, i) => vectors.set(s.vector, i * generation.meta.dimension));
  // The three data files describe one state: written in one synchronous stretch, no write can interleave.
  writeFileSync(join(dir, 'items.jsonl.tmp'), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'vectors.f32.tmp'), new Uint8Array(vectors.buffer));
  generation.hnsw.writeIndexSync(join(dir, 'hnsw.bin.tmp'));
  for (const file of ['items.jsonl', 'vectors.f32', 'hnsw.bin']) await rename(join(dir, `${file}.tmp`), join(dir, file));
  await writeFile(join(dir, 'meta.json.tmp'), JSON.stringify({ ...generation.meta, count: stored.length }));
  await rename(join(dir, 'meta.json.tmp'), join(dir, 'meta.json'));
}

export async function readGenerationMeta(dir: string): Promise<GenerationMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as GenerationMeta;
  } catch {
    return undefined;
  }
}

async function readItems(dir: string, dimension: number): Promise<StoredItem[]> {
  const bytes = await readFile(join(dir, 'vectors.f32'));
  const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const items: StoredItem[] = [];
  const lines = createInterface({ input: createReadStream(join(dir, 'items.jsonl'), 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const { label, ...meta } = JSON.parse(line) as ItemMeta & { label: number };
    const offset = items.length * dimension;
    items.push({ label, meta, vector: vectors.slice(offset, offset + dimension) });
  }
  if (items.length * dimension !== vectors.length) throw new Error(`${dir}: items and vectors disagree`);
  return items;
}

async function readGraph(dir: string, meta: GenerationMeta, items: StoredItem[]): Promise<Hnswlib.HierarchicalNSW | undefined> {
  try {
    const graph = new hnswlib.HierarchicalNSW('ip', meta.dimension);
    graph.readIndexSync(join(dir, 'hnsw.bin'));
    const labels = new Set(graph.getIdsList());
    return items.every((item) => labels.has(item.label)) ? graph : undefined;
  } catch {
    return undefined;
  }
}

export async function loadGeneration(dir: string, params: HnswParameters): Promise<Generation | undefined> {
  const meta = await readGenerationMeta(dir);
  if (meta === undefined) return undefined;
  const { count: _count, ...plain } = meta as GenerationMeta & { count?: number };
  const items = await readItems(dir, meta.dimension);
  const hnsw = await readGraph(dir, meta, items);
  return createGeneration(plain, params, hnsw === undefined ? { items } : { items, hnsw });
}

export async function removeGeneration(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
