// The OpenSearch API specification (OpenAPI 3.1, split over many YAML files) as a request/response validator:
// find the operation by method and path, then check the body with Ajv and, because the specification leaves
// almost every object open (no `additionalProperties: false`), also flag properties it does not define and
// properties newer than the OpenSearch version we target. Used by the fake OpenSearch server in tests.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { findUnknownProperties, type SchemaWalker } from './spec-unknown-properties.js';
import { compareVersions } from './version.js';

export interface SpecViolation {
  operation: string;
  /** JSON pointer into the body (for ndjson bodies: `/<line>/...`). */
  where: string;
  message: string;
}

export interface SpecOperation {
  /** e.g. `indices.create`, `knn.train_model` */
  group: string;
  method: string;
  template: string;
  versionAdded: string | undefined;
}

type Json = Record<string, unknown>;
type Loc = { file: string; pointer: string };

const BASE = 'https://opensearch-api-spec.local/spec/';
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

// The subset vendored with the tests (see its README); OPENSEARCH_API_SPEC_DIR points at a full copy instead.
export const DEFAULT_SPEC_DIR = process.env.OPENSEARCH_API_SPEC_DIR ?? join(REPO_ROOT, 'packages', 'search', 'test', 'fixtures', 'opensearch-api-spec', 'spec');

function escapeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function unescapeSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

interface PathEntry {
  template: string;
  pattern: RegExp;
  literals: number;
  file: string;
  item: Json;
}

export class OpenSearchSpec implements SchemaWalker {
  private readonly docs = new Map<string, Json>();
  private readonly paths: PathEntry[] = [];
  private readonly globalParameters: string[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv2020;

  constructor(
    dir: string,
    readonly targetVersion: string,
  ) {
    if (!existsSync(dir)) throw new Error(`OpenSearch API specification not found at ${dir} (set OPENSEARCH_API_SPEC_DIR)`);
    // strict: false because the specification uses OpenAPI keywords (discriminator, x-*) Ajv does not know.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    for (const folder of ['namespaces', 'schemas']) {
      for (const name of readdirSync(join(dir, folder)).filter((f) => f.endsWith('.yaml'))) {
        const uri = `${BASE}${folder}/${name}`;
        const doc = parse(readFileSync(join(dir, folder, name), 'utf8')) as Json;
        this.docs.set(uri, doc);
        this.ajv.addSchema(doc as object, uri);
      }
    }
    const globals = parse(readFileSync(join(dir, '_global_parameters.yaml'), 'utf8')) as { components: { parameters: Record<string, { name: string }> } };
    this.globalParameters = Object.values(globals.components.parameters).map((p) => p.name);
    for (const [file, doc] of this.docs) {
      for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
        const segments = template.split('/').filter(Boolean);
        const regex = segments.map((s) => (s.startsWith('{') ? '([^/]+)' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/');
        this.paths.push({
          template,
          pattern: new RegExp(`^/${regex}/?$`),
          literals: segments.filter((s) => !s.startsWith('{')).length,
          file,
          item,
        });
      }
    }
  }

  // --- SchemaWalker: what the unknown-property check needs -------------------------------------

  at(loc: Loc): unknown {
    let node: unknown = this.docs.get(loc.file);
    if (node === undefined) throw new Error(`unknown specification file ${loc.file}`);
    for (const segment of loc.pointer.split('/').slice(1)) {
      node = (node as Json)[unescapeSegment(segment)];
      if (node === undefined) throw new Error(`dangling reference ${loc.file}#${loc.pointer}`);
    }
    return node;
  }

  child(loc: Loc, ...segments: (string | number)[]): Loc {
    return { file: loc.file, pointer: `${loc.pointer}/${segments.map((s) => escapeSegment(String(s))).join('/')}` };
  }

  resolve(loc: Loc, ref: string): Loc {
    const [path = '', fragment = ''] = ref.split('#');
    return { file: path === '' ? loc.file : new URL(path, loc.file).href, pointer: fragment };
  }

  isValid(loc: Loc, value: unknown): boolean {
    return this.validator(loc)(value) === true;
  }

  // --- Operations -----------------------------------------------------------------------------

  findOperation(method: string, path: string): (SpecOperation & { loc: Loc }) | undefined {
    const pathname = path.split('?')[0]!;
    const candidates = this.paths
      .filter((p) => p.pattern.test(pathname) && p.item[method.toLowerCase()] !== undefined)
      .sort((a, b) => b.literals - a.literals);
    const best = candidates[0];
    if (best === undefined) return undefined;
    const op = best.item[method.toLowerCase()] as Json;
    const pathLoc: Loc = { file: best.file, pointer: `/paths/${escapeSegment(best.template)}` };
    return {
      group: String(op['x-operation-group']),
      method: method.toUpperCase(),
      template: best.template,
      versionAdded: op['x-version-added'] as string | undefined,
      loc: this.child(pathLoc, method.toLowerCase()),
    };
  }

  /** Checks path, query parameters and body of one request; an empty list means it follows the specification. */
  validateRequest(method: string, path: string, body: unknown): SpecViolation[] {
    const op = this.findOperation(method, path);
    if (op === undefined) return [{ operation: `${method} ${path}`, where: '', message: 'no such operation in the specification' }];
    const violations: SpecViolation[] = [];
    const add = (where: string, message: string) => violations.push({ operation: op.group, where, message });
    if (op.versionAdded !== undefined && compareVersions(op.versionAdded, this.targetVersion) > 0) {
      add('', `operation added in ${op.versionAdded}, after the targeted OpenSearch ${this.targetVersion}`);
    }
    const known = new Set([...this.queryParameterNames(op.loc), ...this.globalParameters]);
    for (const name of new URL(path, 'http://x').searchParams.keys()) {
      if (!known.has(name)) add(`?${name}`, 'query parameter not defined for this operation');
    }
    const requestBody = this.follow(op.loc, 'requestBody');
    if (requestBody === undefined) {
      if (body !== undefined) add('', 'the operation takes no request body');
      return violations;
    }
    const spec = this.at(requestBody) as { required?: boolean; content: Record<string, unknown> };
    if (body === undefined) {
      if (spec.required === true) add('', 'request body is required');
      return violations;
    }
    const mediaType = Object.keys(spec.content)[0]!;
    const schema = this.child(requestBody, 'content', mediaType, 'schema');
    for (const v of this.validateValue(schema, body)) add(v.where, v.message);
    if (op.group === 'bulk' || op.group === 'msearch') for (const v of this.validateNdjsonPairs(body)) add(v.where, v.message);
    return violations;
  }

  validateResponse(method: string, path: string, status: number, body: unknown): SpecViolation[] {
    const op = this.findOperation(method, path);
    if (op === undefined) return [];
    const responses = this.at(op.loc) as { responses?: Record<string, unknown> };
    if (responses.responses?.[String(status)] === undefined) return [];
    const response = this.follow(this.child(op.loc, 'responses'), String(status));
    if (response === undefined) return [];
    const content = (this.at(response) as { content?: Record<string, unknown> }).content;
    if (content?.['application/json'] === undefined || body === undefined) return [];
    const errors = this.ajvErrors(this.child(response, 'content', 'application/json', 'schema'), body);
    return errors.map((e) => ({ operation: `${op.group} response ${status}`, ...e }));
  }

  /** Ajv errors plus properties the schema does not define or that are newer than the target version. */
  validateValue(schema: Loc, value: unknown): { where: string; message: string }[] {
    return [...this.ajvErrors(schema, value), ...findUnknownProperties(this, schema, value, this.targetVersion)];
  }

  /** A schema by its file (relative to spec/) and name, e.g. ('schemas/_core.bulk.yaml', 'OperationContainer'). */
  schema(file: string, name: string): Loc {
    return { file: `${BASE}${file}`, pointer: `/components/schemas/${escapeSegment(name)}` };
  }

  private ajvErrors(schema: Loc, value: unknown): { where: string; message: string }[] {
    const validate = this.validator(schema);
    if (validate(value) === true) return [];
    // A oneOf the value satisfies more than once is an imprecise specification (e.g. delete_by_query's
    // response is "a bulk-by-scroll result OR an object that may have `task`", and every result is both),
    // not an invalid value: it is valid under each branch it matched.
    const errors = (validate.errors ?? []).filter((e) => !(e.keyword === 'oneOf' && Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas)));
    return errors.map((e) => ({ where: e.instancePath, message: `${e.message ?? 'invalid'} (${e.schemaPath})` }));
  }

  // Bulk bodies are action/source pairs; the specification types every line as "an action OR any object",
  // which accepts anything, so the pairing is checked here: each action line must be a valid operation.
  private validateNdjsonPairs(lines: unknown): { where: string; message: string }[] {
    if (!Array.isArray(lines)) return [{ where: '', message: 'ndjson body must be a list of lines' }];
    const action = this.schema('schemas/_core.bulk.yaml', 'OperationContainer');
    const out: { where: string; message: string }[] = [];
    for (let i = 0; i < lines.length; i++) {
      for (const e of this.validateValue(action, lines[i])) out.push({ where: `/${i}${e.where}`, message: e.message });
      const kind = Object.keys(lines[i] as Json)[0];
      if (kind !== 'delete') {
        i++;
        if (i >= lines.length || typeof lines[i] !== 'object' || lines[i] === null) out.push({ where: `/${i}`, message: `${kind} action without a document line` });
      }
    }
    return out;
  }

  private queryParameterNames(opLoc: Loc): string[] {
    const op = this.at(opLoc) as { parameters?: unknown[] };
    return (op.parameters ?? []).flatMap((_, i) => {
      const loc = this.follow(this.child(opLoc, 'parameters'), i)!;
      const p = this.at(loc) as { in: string; name: string };
      return p.in === 'query' ? [p.name] : [];
    });
  }

  /** The location of `parent[key]`, following a `$ref` there if it is one. */
  private follow(parent: Loc, key: string | number): Loc | undefined {
    const node = (this.at(parent) as Json)[key] as Json | undefined;
    if (node === undefined) return undefined;
    let loc = this.child(parent, key);
    let current: Json = node;
    while (typeof current.$ref === 'string') {
      loc = this.resolve(loc, current.$ref);
      current = this.at(loc) as Json;
    }
    return loc;
  }

  private validator(loc: Loc): ValidateFunction {
    const uri = `${loc.file}#${loc.pointer}`;
    let validate = this.compiled.get(uri);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: uri });
      this.compiled.set(uri, validate);
    }
    return validate;
  }
}

const loaded = new Map<string, OpenSearchSpec>();

/** Loads (once per process) the specification; `targetVersion` is the oldest OpenSearch we promise to work with. */
export function loadOpenSearchSpec(targetVersion = '2.19', dir = DEFAULT_SPEC_DIR): OpenSearchSpec {
  const key = `${dir}@${targetVersion}`;
  let spec = loaded.get(key);
  if (spec === undefined) {
    spec = new OpenSearchSpec(dir, targetVersion);
    loaded.set(key, spec);
  }
  return spec;
}
