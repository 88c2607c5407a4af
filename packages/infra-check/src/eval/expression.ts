// Evaluates Terraform expressions on the syntax tree that HashiCorp's own HCL parser builds
// (via @cdktf/hcl2json), as far as static analysis can: variables, locals, conditionals,
// for-expressions and the common functions; everything else becomes Unknown.
import { cachedParse } from '../hcl/parse-cache.js';
import { FUNCTIONS } from './functions.js';
import type { Scope, Step } from './scope.js';
import { decodeLiteral, isTemplate, quoteTemplate } from './template-source.js';
import { Ref, Unknown, isMap, renderString, type Value, type ValueMap } from './value.js';

interface Node {
  type: string;
  children: Node[];
  meta?: Record<string, unknown>;
}

const astCache = new Map<string, Promise<Node | null>>();

/**
 * Evaluation is kept sequential on purpose: a module context detects a reference cycle by
 * seeing a name re-entered while it is being evaluated, which is only sound one step at a time.
 */
export async function mapInOrder<T, R>(items: readonly T[], fn: (item: T) => R | Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

function parseTemplate(quoted: string): Promise<Node | null> {
  let cached = astCache.get(quoted);
  if (!cached) {
    cached = cachedParse('expression', '', quoted, async (h) => ((await h.getExpressionAst('expression.tf', quoted)) ?? null) as Node | null).catch(() => null);
    astCache.set(quoted, cached);
  }
  return cached;
}

/** Evaluates a value as hcl2json returned it: literals stay, template strings are evaluated. */
export async function evaluateJson(raw: unknown, scope: Scope): Promise<Value> {
  if (typeof raw === 'string') return isTemplate(raw) ? evaluateSource(quoteTemplate(raw), scope) : raw;
  if (Array.isArray(raw)) return mapInOrder(raw, (item) => evaluateJson(item, scope));
  if (raw !== null && typeof raw === 'object') {
    const out: ValueMap = {};
    for (const [key, value] of Object.entries(raw)) out[key] = await evaluateJson(value, scope);
    return out;
  }
  return (raw ?? null) as Value;
}

/** Evaluates a bare expression such as `var.x > 2`. */
export function evaluateExpression(expression: string, scope: Scope): Promise<Value> {
  return evaluateSource(`"\${${expression}}"`, scope);
}

async function evaluateSource(quoted: string, scope: Scope): Promise<Value> {
  const ast = await parseTemplate(quoted);
  if (!ast) return new Unknown(`expression the parser rejected: ${quoted.slice(0, 60)}`);
  return evaluateNode(ast, scope);
}

function meta(node: Node, key: string): string {
  const value = node.meta?.[key];
  return typeof value === 'string' ? value : '';
}

function child(node: Node, index: number): Node {
  return node.children[index] ?? { type: 'missing', children: [] };
}

async function evaluateNode(node: Node, scope: Scope): Promise<Value> {
  switch (node.type) {
    case 'templateWrap':
    case '':
      return evaluateNode(child(node, 0), scope);
    case 'template':
      return evaluateTemplate(node, scope);
    case 'literalValue':
      return literal(node);
    case 'scopeTraversal':
      return evaluateTraversal(traversalSteps(node), scope);
    case 'relativeTraversal':
      return applySteps(await evaluateNode(child(node, 0), scope), traversalSteps(node));
    case 'index':
      return step(await evaluateNode(child(node, 0), scope), await evaluateNode(child(node, 1), scope));
    case 'splat':
      return evaluateSplat(node, scope);
    case 'tuple':
      return mapInOrder(node.children, (c) => evaluateNode(c, scope));
    case 'object':
      return evaluateObject(node, scope);
    case 'function':
      return evaluateCall(node, scope);
    case 'conditional':
      return evaluateConditional(node, scope);
    case 'binaryOp':
      return binary(meta(node, 'operator'), await evaluateNode(child(node, 0), scope), await evaluateNode(child(node, 1), scope));
    case 'unaryOp':
      return unary(meta(node, 'operator'), await evaluateNode(child(node, 0), scope));
    case 'for':
      return evaluateFor(node, scope);
    default:
      return new Unknown(`unsupported expression (${node.type})`);
  }
}

function literal(node: Node): Value {
  const value = meta(node, 'value');
  switch (meta(node, 'type')) {
    case 'string': return decodeLiteral(value);
    case 'number': return Number(value);
    case 'bool': return value === 'true';
    default: return null;
  }
}

async function evaluateTemplate(node: Node, scope: Scope): Promise<Value> {
  const parts = await mapInOrder(node.children, (c) => (c.type === 'literalValue' ? literal(c) : evaluateNode(c, scope)));
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  // Like Terraform's refined unknowns, a partly unknown template keeps its known text
  // (so `https://${var.host}/` is still known to be HTTPS); the unknown part shows as a placeholder.
  let out = '';
  for (const part of parts) {
    const rendered = renderString(part);
    out += rendered instanceof Unknown ? '${unknown}' : rendered;
  }
  return out;
}

function traversalSteps(node: Node): Step[] {
  const traversal = (node.meta?.traversal ?? []) as { type: string; segment: string }[];
  return traversal.map(({ type, segment }) => {
    if (type !== 'indexTraversal') return segment;
    if (/^-?\d+$/.test(segment)) return Number(segment);
    try {
      return JSON.parse(segment) as string;
    } catch {
      return segment;
    }
  });
}

async function evaluateTraversal(steps: Step[], scope: Scope): Promise<Value> {
  const { value, used } = await scope.resolve(steps);
  return applySteps(value, steps.slice(used));
}

function applySteps(value: Value, steps: readonly Step[]): Value {
  return steps.reduce<Value>((acc, s) => step(acc, s), value);
}

/** One attribute access or index on a value. */
export function step(value: Value, key: Value): Value {
  if (value instanceof Unknown) return value;
  if (key instanceof Unknown) return key;
  if (value instanceof Ref) return typeof key === 'string' || typeof key === 'number' ? value.get(String(key)) : new Unknown('index by a computed value');
  if (Array.isArray(value)) {
    const index = typeof key === 'number' ? key : Number(key);
    return Number.isInteger(index) && index >= 0 && index < value.length ? value[index]! : new Unknown(`index ${String(key)} out of range`);
  }
  if (isMap(value) && (typeof key === 'string' || typeof key === 'number')) {
    return Object.hasOwn(value, String(key)) ? value[String(key)]! : new Unknown(`no attribute or key "${String(key)}"`);
  }
  return new Unknown(`cannot read "${String(key)}" of ${value === null ? 'null' : typeof value}`);
}

async function evaluateSplat(node: Node, scope: Scope): Promise<Value> {
  const source = await evaluateNode(child(node, 0), scope);
  const each = child(node, 1);
  const steps = each.type === 'relativeTraversal' ? traversalSteps(each) : [];
  const items = source === null ? [] : Array.isArray(source) ? source : isMap(source) || source instanceof Ref ? [source] : source instanceof Unknown ? source : [source];
  if (items instanceof Unknown) return items;
  return items.map((item) => applySteps(item, steps));
}

async function evaluateObject(node: Node, scope: Scope): Promise<Value> {
  const items = (node.meta?.items ?? {}) as Record<string, string>;
  const out: ValueMap = {};
  for (const [keySource, valueSource] of Object.entries(items)) {
    const key = /^".*"$/s.test(keySource) ? await evaluateSource(keySource, scope) : keySource.replace(/^\((.*)\)$/s, '$1');
    const rendered = renderString(key);
    if (rendered instanceof Unknown) return rendered;
    out[rendered] = await evaluateExpression(valueSource, scope);
  }
  return out;
}

async function evaluateConditional(node: Node, scope: Scope): Promise<Value> {
  const condition = await evaluateNode(child(node, 0), scope);
  if (condition === true) return evaluateNode(child(node, 1), scope);
  if (condition === false) return evaluateNode(child(node, 2), scope);
  const whenTrue = await evaluateNode(child(node, 1), scope);
  const whenFalse = await evaluateNode(child(node, 2), scope);
  return JSON.stringify(whenTrue) === JSON.stringify(whenFalse) && !(whenTrue instanceof Unknown) ? whenTrue : new Unknown(`condition not known statically (${meta(node, 'conditionExpression')})`);
}

async function evaluateCall(node: Node, scope: Scope): Promise<Value> {
  const name = meta(node, 'name');
  if (name === 'try' || name === 'can') {
    for (const arg of node.children) {
      const value = await evaluateNode(arg, scope);
      if (!(value instanceof Unknown)) return name === 'can' ? true : value;
    }
    return name === 'can' ? false : new Unknown('try: no argument could be evaluated');
  }
  const args = await mapInOrder(node.children, (c) => evaluateNode(c, scope));
  if (node.meta?.expandedFinalArgument === true) {
    const last = args.pop();
    if (!Array.isArray(last)) return new Unknown(`${name}(...) with an unknown list`);
    args.push(...last);
  }
  if (name === 'file' || name === 'templatefile') return readTemplateFile(name, args, scope);
  const fn = FUNCTIONS[name];
  return fn ? fn(args) : new Unknown(`function ${name}() is not evaluated`);
}

async function readTemplateFile(name: string, args: Value[], scope: Scope): Promise<Value> {
  const [path = null, vars = null] = args;
  if (typeof path !== 'string') return new Unknown(`${name} with a computed path`);
  const content = await scope.readFile(path);
  if (content === undefined) return new Unknown(`${name}: cannot read ${path}`);
  if (name === 'file') return content;
  if (!isMap(vars)) return new Unknown('templatefile with unknown variables');
  return evaluateSource(quoteTemplate(content), templateScope(vars, scope));
}

/** A template file sees only the variables passed to templatefile(). */
function templateScope(vars: ValueMap, parent: Scope): Scope {
  const scope: Scope = {
    resolve: async (steps) => {
      const head = steps[0];
      if (typeof head === 'string' && Object.hasOwn(vars, head)) return { value: vars[head]!, used: 1 };
      return { value: new Unknown(`template references ${String(head)}`), used: steps.length };
    },
    with: (bindings) => templateScope({ ...vars, ...bindings }, parent),
    readFile: (path) => parent.readFile(path),
  };
  return scope;
}

async function evaluateFor(node: Node, scope: Scope): Promise<Value> {
  const collection = await evaluateExpression(meta(node, 'collectionExpression'), scope);
  const keyVar = meta(node, 'keyVar');
  const valVar = meta(node, 'valVar');
  const asObject = meta(node, 'openRangeValue') === '{';
  let entries: [Value, Value][];
  if (Array.isArray(collection)) entries = collection.map((v, i) => [i, v]);
  else if (isMap(collection)) entries = Object.keys(collection).sort().map((k) => [k, collection[k]!]);
  else return new Unknown(`for over ${collection instanceof Unknown ? collection.reason : 'a value not known statically'}`);

  const listOut: Value[] = [];
  const mapOut: Record<string, Value[]> = {};
  for (const [key, value] of entries) {
    const inner = scope.with(keyVar ? { [keyVar]: key, [valVar]: value } : { [valVar]: value });
    const condition = meta(node, 'conditionalExpression');
    if (condition) {
      const keep = await evaluateExpression(condition, inner);
      if (keep instanceof Unknown) return keep;
      if (keep !== true) continue;
    }
    const item = await evaluateExpression(meta(node, 'valueExpression'), inner);
    if (!asObject) {
      listOut.push(item);
      continue;
    }
    const outKey = renderString(await evaluateExpression(meta(node, 'keyExpression'), inner));
    if (outKey instanceof Unknown) return outKey;
    (mapOut[outKey] ??= []).push(item);
  }
  if (!asObject) return listOut;
  const grouped = node.meta?.groupedValue === true;
  return Object.fromEntries(Object.entries(mapOut).map(([k, vs]) => [k, grouped ? vs : vs[vs.length - 1]!]));
}

function binary(operator: string, left: Value, right: Value): Value {
  if (operator === 'logicalAnd' && (left === false || right === false)) return false;
  if (operator === 'logicalOr' && (left === true || right === true)) return true;
  if (left instanceof Unknown) return left;
  if (right instanceof Unknown) return right;
  if (operator === 'equal' || operator === 'notEqual') {
    if (left instanceof Ref || right instanceof Ref) return new Unknown('comparison with a value known only after apply');
    const same = JSON.stringify(left) === JSON.stringify(right);
    return operator === 'equal' ? same : !same;
  }
  if (operator === 'logicalAnd' || operator === 'logicalOr') {
    return typeof left === 'boolean' && typeof right === 'boolean' ? (operator === 'logicalAnd' ? left && right : left || right) : new Unknown(`${operator} on non-booleans`);
  }
  if (typeof left !== 'number' || typeof right !== 'number') return new Unknown(`${operator} on non-numbers`);
  switch (operator) {
    case 'add': return left + right;
    case 'subtract': return left - right;
    case 'multiply': return left * right;
    case 'divide': return left / right;
    case 'modulo': return left % right;
    case 'lessThan': return left < right;
    case 'lessThanOrEqual': return left <= right;
    case 'greaterThan': return left > right;
    case 'greaterThanOrEqual': return left >= right;
    default: return new Unknown(`operator ${operator}`);
  }
}

function unary(operator: string, value: Value): Value {
  if (value instanceof Unknown) return value;
  if (operator === 'logicalNot' && typeof value === 'boolean') return !value;
  if (operator === 'negate' && typeof value === 'number') return -value;
  return new Unknown(`operator ${operator}`);
}
