// What HashiCorp's HCL parser (WebAssembly, in @cdktf/hcl2json) returned, kept on disk between
// runs. Loading the parser and each call into it cost milliseconds, and a configuration has a
// dozen files and hundreds of expressions that rarely change; a result depends only on the text
// parsed and the parser's version, so those form the key. The parser is loaded only on a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Hcl2JsonModule from '@cdktf/hcl2json';

type Hcl2Json = typeof Hcl2JsonModule;

const parserVersion = (createRequire(import.meta.url)('@cdktf/hcl2json/package.json') as { version: string }).version;
const dir = join(tmpdir(), 'onramp-infra-check');
const file = join(dir, `parse-${parserVersion}.json`);

let stored: Record<string, unknown> | undefined;
let added = 0;
const used = new Set<string>();
/** Past this many entries the file keeps only what the current run used, so edits do not grow it forever. */
const MAX_ENTRIES = 20_000;
let parser: Promise<Hcl2Json> | undefined;

function entries(): Record<string, unknown> {
  if (stored) return stored;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    stored = {}; // first run, or a damaged file: start afresh
  }
  return stored;
}

const key = (kind: string, name: string, text: string) => `${kind}:${createHash('sha256').update(name).update('\0').update(text).digest('base64url')}`;

/** The parser module, loaded (and its WebAssembly instantiated) on first use only. */
function hcl2json(): Promise<Hcl2Json> {
  parser ??= import('@cdktf/hcl2json');
  return parser;
}

/** Returns the cached result of `kind` for (name, text), or computes, remembers and returns it. Errors are not cached. */
export async function cachedParse<T>(kind: 'file' | 'expression', name: string, text: string, compute: (h: Hcl2Json) => Promise<T>): Promise<T> {
  const k = key(kind, name, text);
  const all = entries();
  used.add(k);
  if (Object.hasOwn(all, k)) return all[k] as T;
  const result = await compute(await hcl2json());
  all[k] = result;
  added += 1;
  return result;
}

/** Writes new entries atomically, so a concurrent run never reads half a file; failures only cost speed. */
export function saveParseCache(): void {
  if (added === 0 || !stored) return;
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}`;
    const kept = Object.keys(stored).length > MAX_ENTRIES ? Object.fromEntries([...used].map((k) => [k, stored![k]])) : stored;
    writeFileSync(temp, JSON.stringify(kept));
    renameSync(temp, file);
    added = 0;
  } catch {
    // A read-only temp directory: the next run parses again.
  }
}
