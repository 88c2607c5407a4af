// The writes made to a generation since its last snapshot, appended to `journal.<n>.jsonl` one JSON line
// each, asynchronously: a write costs the serialization of what it wrote, never of the whole index, and
// the event loop never waits on the disk. Lines queued in one tick go out in one append. On load the
// journals are replayed on top of the snapshot; a line a crash cut short (the last one) is ignored.
import { createReadStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '@onramp/core';
import type { IndexedItem } from '../ports.js';
import type { Generation } from './generation.js';

type JournalLine = { upsert: (Omit<IndexedItem, 'vector'> & { vector: string })[] } | { delete: string };

export interface GenerationJournal {
  readonly dir: string;
  /** The journal file now appended to. */
  readonly number: number;
  /** Writes journaled since the last snapshot. */
  readonly pending: number;
  upsert(items: IndexedItem[]): void;
  deleteBySource(sourceId: string): void;
  /** From now on, writes go to journal `next` (a snapshot of everything before is being written). */
  rotate(next: number): void;
  /** Resolves once every line queued so far is on disk (in the file system's hands). */
  flushed(): Promise<void>;
}

function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function createGenerationJournal(dir: string, number: number, logger?: Logger): GenerationJournal {
  let current = number;
  let pending = 0;
  let queued: string[] = [];
  let scheduled = false;
  let writing: Promise<void> = Promise.resolve();

  function push(line: JournalLine): void {
    queued.push(`${JSON.stringify(line)}\n`);
    pending++;
    if (scheduled) return;
    scheduled = true;
    setImmediate(write);
  }

  function write(): void {
    scheduled = false;
    if (queued.length === 0) return;
    const data = queued.join('');
    const file = join(dir, `journal.${current}.jsonl`);
    queued = [];
    writing = writing
      .then(() => appendFile(file, data))
      .catch((error: unknown) => logger?.error({ err: error, file }, 'writing the search index journal failed'));
  }

  return {
    dir,
    get number() {
      return current;
    },
    get pending() {
      return pending;
    },
    upsert(items) {
      push({ upsert: items.map((item) => ({ ...item, vector: encodeVector(item.vector) })) });
    },
    deleteBySource(sourceId) {
      push({ delete: sourceId });
    },
    rotate(next) {
      write(); // what is queued belongs to the journal before the snapshot
      current = next;
      pending = 0;
    },
    flushed() {
      write();
      return writing;
    },
  };
}

/** Applies a journal's writes to the generation; returns how many. */
export async function replayJournal(file: string, generation: Generation, logger?: Logger): Promise<number> {
  let applied = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text === '') continue;
    let line: JournalLine;
    try {
      line = JSON.parse(text) as JournalLine;
    } catch {
      logger?.warn({ file }, 'a search index journal line was cut short (a crash while writing); ignored');
      continue;
    }
    if ('delete' in line) generation.deleteBySource(line.delete);
    else generation.upsert(line.upsert.map((item) => ({ ...item, vector: decodeVector(item.vector) })));
    applied++;
  }
  return applied;
}
