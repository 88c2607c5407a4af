// Reads the Terraform files of one directory and parses them with HashiCorp's HCL parser
// (compiled to WebAssembly in @cdktf/hcl2json), turning its diagnostics into InfraParseError.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { cachedParse } from './parse-cache.js';
import { InfraParseError } from './parse-error.js';

export interface TfFile {
  /** Path relative to the directory being checked, with forward slashes; used in reports. */
  path: string;
  text: string;
  body: Record<string, unknown>;
}

export async function parseHcl(path: string, text: string): Promise<Record<string, unknown>> {
  try {
    return await cachedParse('file', path, text, async (h) => (await h.parse(path, text)) as Record<string, unknown>);
  } catch (error) {
    throw toParseError(path, error);
  }
}

function toParseError(path: string, error: unknown): InfraParseError {
  const message = error instanceof Error ? error.message : String(error);
  // hcl2json reports HCL diagnostics as `file:line,col-…: Summary; Detail`.
  const match = /([^\s[]+):(\d+),(\d+)(?:-[\d,]+)?: ([^\]]*)/.exec(message);
  if (match) return new InfraParseError(match[1]!, Number(match[2]), Number(match[3]), match[4]!.trim());
  return new InfraParseError(path, 1, 1, message);
}

/** Loads every `*.tf` file of `dir`, in name order so results are stable. */
export async function loadTfFiles(dir: string, checkRoot: string, suffix = '.tf'): Promise<TfFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith(suffix)).map((e) => e.name).sort();
  } catch (error) {
    throw new InfraParseError(relative(checkRoot, dir) || '.', 1, 1, `cannot read directory: ${(error as Error).message}`);
  }
  const files: TfFile[] = [];
  for (const name of names) {
    const full = join(dir, name);
    const path = relative(checkRoot, full).split('\\').join('/') || name;
    const text = await readFile(full, 'utf8');
    files.push({ path, text, body: await parseHcl(path, text) });
  }
  return files;
}
