// Gathers the top-level blocks of a module's files from hcl2json's shape
// (`resource.TYPE.NAME = [body]`, `locals = [{…}]`) into flat lists that remember their file.
import type { TfFile } from '../hcl/load-files.js';

export type Body = Record<string, unknown>;

export interface RawBlock {
  kind: string;
  labels: string[];
  body: Body;
  file: TfFile;
}

export interface ModuleBlocks {
  variables: RawBlock[];
  locals: Map<string, { raw: unknown; file: TfFile }>;
  resources: RawBlock[];
  data: RawBlock[];
  modules: RawBlock[];
  outputs: RawBlock[];
}

const isBody = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

function bodies(value: unknown): Body[] {
  return Array.isArray(value) ? value.filter(isBody) : isBody(value) ? [value] : [];
}

function labelled(kind: string, section: unknown, file: TfFile, depth: 1 | 2): RawBlock[] {
  const out: RawBlock[] = [];
  if (!isBody(section)) return out;
  for (const [first, inner] of Object.entries(section)) {
    if (depth === 1) {
      for (const body of bodies(inner)) out.push({ kind, labels: [first], body, file });
      continue;
    }
    if (!isBody(inner)) continue;
    for (const [second, blocks] of Object.entries(inner)) {
      for (const body of bodies(blocks)) out.push({ kind, labels: [first, second], body, file });
    }
  }
  return out;
}

export function collectBlocks(files: TfFile[]): ModuleBlocks {
  const blocks: ModuleBlocks = { variables: [], locals: new Map(), resources: [], data: [], modules: [], outputs: [] };
  for (const file of files) {
    const { body } = file;
    blocks.variables.push(...labelled('variable', body.variable, file, 1));
    blocks.resources.push(...labelled('resource', body.resource, file, 2));
    blocks.data.push(...labelled('data', body.data, file, 2));
    blocks.modules.push(...labelled('module', body.module, file, 1));
    blocks.outputs.push(...labelled('output', body.output, file, 1));
    for (const locals of bodies(body.locals)) {
      for (const [name, raw] of Object.entries(locals)) blocks.locals.set(name, { raw, file });
    }
  }
  return blocks;
}
