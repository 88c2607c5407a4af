// A local model as one JSON document, for the engine's models index: the vocabulary, idf and the basis
// (float32, little-endian, base64). Decoding checks the document is whole and names itself, so a host never
// embeds with a damaged or mislabelled model.
import { SearchError } from '../errors.js';
import type { StoredModel } from '../ports.js';
import type { LsaModel } from './local-model.js';

export function encodeModel(model: LsaModel): StoredModel {
  const bytes = Buffer.alloc(model.basis.length * 4);
  model.basis.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return { name: model.name, dimension: model.dimension, terms: [...model.terms.keys()], idf: [...model.idf], basis: bytes.toString('base64') };
}

export function decodeModel(stored: StoredModel, name: string): LsaModel {
  const bytes = Buffer.from(stored.basis ?? '', 'base64');
  const terms = stored.terms ?? [];
  const dimension = stored.dimension;
  if (stored.name !== name || bytes.length !== terms.length * dimension * 4 || (stored.idf ?? []).length !== terms.length) {
    throw new SearchError('model_corrupt', `the stored local model ${name} is damaged or names another model; run \`onramp reindex\``);
  }
  const basis = new Float32Array(terms.length * dimension);
  for (let i = 0; i < basis.length; i++) basis[i] = bytes.readFloatLE(i * 4);
  return { kind: 'lsa', name, dimension, terms: new Map(terms.map((term, row) => [term, row])), idf: Float32Array.from(stored.idf), basis };
}
