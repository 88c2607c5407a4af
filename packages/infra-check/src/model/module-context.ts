// One instance of a Terraform module while it is being evaluated: its variables (from the
// caller's arguments or the defaults), locals, module outputs, and references to resources,
// which stay symbolic (Ref) because their values exist only after apply.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { evaluateJson } from '../eval/expression.js';
import type { Scope, Step } from '../eval/scope.js';
import { Ref, Unknown, isMap, type Value, type ValueMap } from '../eval/value.js';
import type { Body, ModuleBlocks, RawBlock } from './raw-blocks.js';

/** Supplies the value a caller passes for an input variable, or undefined when it passes none. */
export type InputSource = (name: string) => Promise<Value> | undefined;

/** The instances a count or for_each produces: keyed (for_each), numbered (count) or single. */
export type Expansion =
  | { kind: 'single' }
  | { kind: 'count'; count: number }
  | { kind: 'for_each'; entries: [string, Value][] }
  | { kind: 'unknown'; reason: string };

export interface ChildInstance {
  key: string | number | undefined;
  context: ModuleContext;
}

export type ChildLoader = (parent: ModuleContext, call: RawBlock) => Promise<ChildInstance[] | undefined>;

export function instanceSuffix(key: string | number | undefined): string {
  return key === undefined ? '' : typeof key === 'number' ? `[${key}]` : `["${key}"]`;
}

export class ModuleContext {
  private readonly cache = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  private readonly childCache = new Map<string, ChildInstance[] | undefined>();

  constructor(
    /** `''` for the root module, else `module.a` or `module.a.module.b["k"]`. */
    readonly address: string,
    readonly dir: string,
    readonly checkRoot: string,
    readonly blocks: ModuleBlocks,
    private readonly inputs: InputSource,
    private readonly loadChildren: ChildLoader,
  ) {}

  /** Prefix for addresses inside this module: `module.a.` or `''`. */
  get prefix(): string {
    return this.address ? `${this.address}.` : '';
  }

  scope(bindings: Record<string, Value> = {}): Scope {
    return {
      resolve: (steps) => this.resolve(steps, bindings),
      with: (extra) => this.scope({ ...bindings, ...extra }),
      readFile: async (path) => readFile(join(this.checkRoot, path), 'utf8').catch(() => undefined),
    };
  }

  /** Evaluates once per name; a name re-entered while evaluating is a cycle and becomes Unknown. */
  private async memo(key: string, compute: () => Promise<Value>): Promise<Value> {
    if (this.cache.has(key)) return this.cache.get(key)!;
    if (this.evaluating.has(key)) return new Unknown(`reference cycle through ${key}`);
    this.evaluating.add(key);
    try {
      const value = await compute();
      this.cache.set(key, value);
      return value;
    } finally {
      this.evaluating.delete(key);
    }
  }

  variable(name: string): Promise<Value> {
    return this.memo(`var.${name}`, async () => {
      const decl = this.blocks.variables.find((v) => v.labels[0] === name);
      const passed = await this.inputs(name);
      // A null argument keeps the default only where the variable says `nullable = false`.
      if (passed !== undefined && !(passed === null && decl?.body.nullable === false)) return passed;
      if (!decl) return new Unknown(`undeclared variable ${name}`);
      if (!Object.hasOwn(decl.body, 'default')) return new Unknown(`input var.${name} has no default`);
      return evaluateJson(decl.body.default, this.scope());
    });
  }

  local(name: string): Promise<Value> {
    return this.memo(`local.${name}`, async () => {
      const local = this.blocks.locals.get(name);
      return local ? evaluateJson(local.raw, this.scope()) : new Unknown(`undeclared local ${name}`);
    });
  }

  output(name: string): Promise<Value> {
    return this.memo(`output.${name}`, async () => {
      const decl = this.blocks.outputs.find((o) => o.labels[0] === name);
      return decl ? evaluateJson(decl.body.value, this.scope()) : new Unknown(`module has no output ${name}`);
    });
  }

  /** How many instances a block with count/for_each has, evaluated in this module. */
  async expansion(body: Body, bindings: Record<string, Value> = {}): Promise<Expansion> {
    if (Object.hasOwn(body, 'count')) {
      const count = await evaluateJson(body.count, this.scope(bindings));
      return typeof count === 'number' ? { kind: 'count', count } : { kind: 'unknown', reason: count instanceof Unknown ? count.reason : 'count is not a number' };
    }
    if (Object.hasOwn(body, 'for_each')) {
      const each = await evaluateJson(body.for_each, this.scope(bindings));
      if (isMap(each)) return { kind: 'for_each', entries: Object.keys(each).sort().map((k) => [k, each[k]!]) };
      if (Array.isArray(each) && each.every((v) => typeof v === 'string')) return { kind: 'for_each', entries: (each as string[]).map((k) => [k, k]) };
      return { kind: 'unknown', reason: each instanceof Unknown ? each.reason : 'for_each is not a map or set of strings' };
    }
    return { kind: 'single' };
  }

  async children(call: RawBlock): Promise<ChildInstance[] | undefined> {
    const name = call.labels[0]!;
    if (!this.childCache.has(name)) this.childCache.set(name, await this.loadChildren(this, call));
    return this.childCache.get(name);
  }

  private async resolve(steps: readonly Step[], bindings: Record<string, Value>): Promise<{ value: Value; used: number }> {
    const [head, second, third] = steps;
    if (typeof head === 'string' && Object.hasOwn(bindings, head)) return { value: bindings[head]!, used: 1 };
    switch (head) {
      case 'var':
        return { value: await this.variable(String(second)), used: 2 };
      case 'local':
        return { value: await this.local(String(second)), used: 2 };
      case 'module':
        return this.resolveModule(steps);
      case 'data':
        return { value: await this.resourceRef('data', String(second), String(third)), used: 3 };
      case 'path':
        return { value: { module: relative(this.checkRoot, this.dir) || '.', root: '.', cwd: '.' }, used: 1 };
      case 'terraform':
        return { value: { workspace: 'default' }, used: 1 };
      case 'each':
      case 'count':
      case 'self':
        return { value: new Unknown(`${head} outside a repeated block`), used: steps.length };
      default:
        if (typeof head === 'string' && typeof second === 'string' && this.blocks.resources.some((r) => r.labels[0] === head && r.labels[1] === second)) {
          return { value: await this.resourceRef('managed', head, second), used: 2 };
        }
        return { value: new Unknown(`unknown reference ${steps.join('.')}`), used: steps.length };
    }
  }

  /** A resource or data source as expressions see it: a Ref per instance, shaped by count/for_each. */
  private async resourceRef(mode: 'managed' | 'data', type: string, name: string): Promise<Value> {
    const list = mode === 'data' ? this.blocks.data : this.blocks.resources;
    const block = list.find((r) => r.labels[0] === type && r.labels[1] === name);
    if (!block) return new Unknown(`undeclared ${mode === 'data' ? 'data source' : 'resource'} ${type}.${name}`);
    const base = `${this.prefix}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
    const expansion = await this.expansion(block.body);
    switch (expansion.kind) {
      case 'single': return new Ref(base, []);
      case 'count': return Array.from({ length: expansion.count }, (_v, i) => new Ref(`${base}[${i}]`, []));
      case 'for_each': return Object.fromEntries(expansion.entries.map(([k]) => [k, new Ref(`${base}["${k}"]`, [])]));
      default: return new Unknown(`instances of ${base} not known statically (${expansion.reason})`);
    }
  }

  private async resolveModule(steps: readonly Step[]): Promise<{ value: Value; used: number }> {
    const name = String(steps[1]);
    const call = this.blocks.modules.find((m) => m.labels[0] === name);
    if (!call) return { value: new Unknown(`undeclared module ${name}`), used: steps.length };
    const instances = await this.children(call);
    if (!instances) return { value: new Unknown(`module ${name} is not inspected`), used: steps.length };
    const keyed = instances.some((i) => i.key !== undefined);
    if (!keyed) {
      const output = steps[2];
      if (typeof output === 'string') return { value: await instances[0]!.context.output(output), used: 3 };
      return { value: await allOutputs(instances[0]!.context), used: 2 };
    }
    const key = steps[2];
    const instance = instances.find((i) => i.key === key);
    if (instance && typeof steps[3] === 'string') return { value: await instance.context.output(steps[3]), used: 4 };
    const all: ValueMap = {};
    for (const i of instances) all[String(i.key)] = await allOutputs(i.context);
    const asList = instances.every((i) => typeof i.key === 'number');
    return { value: asList ? Object.values(all) : all, used: 2 };
  }
}

async function allOutputs(context: ModuleContext): Promise<ValueMap> {
  const out: ValueMap = {};
  for (const decl of context.blocks.outputs) out[decl.labels[0]!] = await context.output(decl.labels[0]!);
  return out;
}
