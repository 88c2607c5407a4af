// Builds the checked model of a Terraform configuration: the root module and every local
// module it calls (recursively), with count/for_each expanded and attributes evaluated.
import { join, resolve } from 'node:path';
import { evaluateJson } from '../eval/expression.js';
import { Unknown, type Value } from '../eval/value.js';
import { blockLine, attributeLine } from '../hcl/locate.js';
import { saveParseCache } from '../hcl/parse-cache.js';
import { loadTfFiles } from '../hcl/load-files.js';
import { evaluateBody } from './evaluate-body.js';
import { ModuleContext, instanceSuffix, type ChildInstance, type Expansion } from './module-context.js';
import { collectBlocks, type RawBlock } from './raw-blocks.js';
import type { Model, ResourceInstance } from './types.js';

export interface BuildOptions {
  /** Values for the root module's input variables (from tfvars files or the command line). */
  variables?: Record<string, Value>;
}

export async function buildModel(rootDir: string, options: BuildOptions = {}): Promise<Model> {
  const checkRoot = resolve(rootDir);
  const model: Model = { resources: [], variables: [], outputs: [], notes: [] };
  const rootVariables = options.variables ?? {};

  const loadChildren = async (parent: ModuleContext, call: RawBlock): Promise<ChildInstance[] | undefined> => {
    const name = call.labels[0]!;
    const source = call.body.source;
    if (typeof source !== 'string' || !/^\.\.?\//.test(source)) {
      model.notes.push(`${parent.prefix}module.${name}: source ${JSON.stringify(source)} is not a local path and was not inspected`);
      return undefined;
    }
    const dir = join(parent.dir, source);
    const blocks = collectBlocks(await loadTfFiles(dir, checkRoot));
    const expansion = await parent.expansion(call.body);
    return instancesOf(expansion).map(({ key, bindings }) => {
      const address = `${parent.prefix}module.${name}${instanceSuffix(key)}`;
      const inputs = (variable: string) =>
        Object.hasOwn(call.body, variable) ? evaluateJson(call.body[variable], parent.scope(bindings)) : undefined;
      return { key, context: new ModuleContext(address, dir, checkRoot, blocks, inputs, loadChildren) };
    });
  };

  const rootBlocks = collectBlocks(await loadTfFiles(checkRoot, checkRoot));
  const root = new ModuleContext('', checkRoot, checkRoot, rootBlocks, (name) => (Object.hasOwn(rootVariables, name) ? Promise.resolve(rootVariables[name]!) : undefined), loadChildren);
  await collect(root, model);
  saveParseCache();
  return model;
}

function instancesOf(expansion: Expansion): { key: string | number | undefined; bindings: Record<string, Value> }[] {
  switch (expansion.kind) {
    case 'count':
      return Array.from({ length: expansion.count }, (_v, i) => ({ key: i, bindings: { count: { index: i } } }));
    case 'for_each':
      return expansion.entries.map(([key, value]) => ({ key, bindings: { each: { key, value } } }));
    case 'unknown': {
      const unknown = new Unknown(expansion.reason);
      return [{ key: undefined, bindings: { count: { index: unknown }, each: { key: unknown, value: unknown } } }];
    }
    default:
      return [{ key: undefined, bindings: {} }];
  }
}

async function collect(context: ModuleContext, model: Model): Promise<void> {
  const module = context.address;
  for (const block of [...context.blocks.resources, ...context.blocks.data]) {
    const [type, name] = block.labels as [string, string];
    const mode = block.kind === 'data' ? 'data' : 'managed';
    const expansion = await context.expansion(block.body);
    const baseAddress = `${context.prefix}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
    if (expansion.kind === 'unknown') model.notes.push(`${baseAddress}: instances not known statically (${expansion.reason}); checked as one instance`);
    const line = blockLine(block.file.text, block.kind, block.labels);
    for (const { key, bindings } of instancesOf(expansion)) {
      const attributes = await evaluateBody(block.body, context.scope(bindings));
      const instance: ResourceInstance = {
        mode, type, name, baseAddress, line, attributes,
        address: `${baseAddress}${instanceSuffix(key)}`,
        file: block.file.path,
        lineOf: (attribute) => attributeLine(block.file.text, line, attribute),
      };
      model.resources.push(instance);
    }
  }
  for (const block of context.blocks.variables) {
    const name = block.labels[0]!;
    model.variables.push({
      module, name,
      file: block.file.path,
      line: blockLine(block.file.text, 'variable', block.labels),
      sensitive: block.body.sensitive === true,
      hasDefault: Object.hasOwn(block.body, 'default'),
      defaultValue: Object.hasOwn(block.body, 'default') ? await evaluateJson(block.body.default, context.scope()) : null,
    });
  }
  for (const block of context.blocks.outputs) {
    model.outputs.push({
      module,
      name: block.labels[0]!,
      file: block.file.path,
      line: blockLine(block.file.text, 'output', block.labels),
      sensitive: block.body.sensitive === true,
      source: JSON.stringify(block.body.value ?? null),
    });
  }
  for (const call of context.blocks.modules) {
    for (const child of (await context.children(call)) ?? []) await collect(child.context, model);
  }
}
