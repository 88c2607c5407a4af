// Local models on disk under `$ONRAMP_HOME/search/models/`: `<name>.json` (vocabulary and idf) and
// `<name>.f32` (the basis). A model's name is a hash of its content, so a file is written once and
// never changes; `current.json` names the model the last reindex trained.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SearchError } from '../errors.js';
import { hashModel, type LocalModel } from './local-model.js';

const HASH_NAME = /^local-hash-(\d+)-v1$/;
const LSA_NAME = /^local-lsa-(\d+)-[0-9a-f]{12}$/;

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

export async function saveLocalModel(dir: string, model: LocalModel): Promise<void> {
  if (model.kind === 'hash') return;
  await mkdir(dir, { recursive: true });
  const { basis } = model;
  await writeAtomically(join(dir, `${model.name}.f32`), new Uint8Array(basis.buffer, basis.byteOffset, basis.byteLength));
  const header = { name: model.name, dimension: model.dimension, terms: [...model.terms.keys()], idf: [...model.idf] };
  await writeAtomically(join(dir, `${model.name}.json`), JSON.stringify(header));
}

export async function loadLocalModel(dir: string, name: string): Promise<LocalModel> {
  const hashed = HASH_NAME.exec(name);
  if (hashed !== null) return hashModel(Number(hashed[1]));
  if (!LSA_NAME.test(name)) throw new SearchError('model_unknown', `"${name}" is not a local embedding model`);
  let header: { name: string; dimension: number; terms: string[]; idf: number[] };
  let bytes: Buffer;
  try {
    header = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as typeof header;
    bytes = await readFile(join(dir, `${name}.f32`));
  } catch (error) {
    throw new SearchError('model_missing', `local model ${name} is not in ${dir}; run \`onramp reindex\` to train one`, { cause: error });
  }
  const basis = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (basis.length !== header.terms.length * header.dimension) {
    throw new SearchError('model_corrupt', `local model ${name} in ${dir} is damaged; run \`onramp reindex\``);
  }
  return {
    kind: 'lsa',
    name,
    dimension: header.dimension,
    terms: new Map(header.terms.map((term, row) => [term, row])),
    idf: Float32Array.from(header.idf),
    basis,
  };
}

export async function readCurrentModelName(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(dir, 'current.json'), 'utf8')) as { model: string }).model;
  } catch {
    return undefined;
  }
}

export async function writeCurrentModelName(dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, 'current.json'), JSON.stringify({ model: name }));
}
