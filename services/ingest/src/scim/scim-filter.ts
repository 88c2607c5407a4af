// SCIM filters (RFC 7644 §3.4.2.2): a parser into a tree, and its evaluation against a resource.
// Grammar: FILTER = attrExp / logExp / valuePath / [not] "(" FILTER ")"; precedence not > and > or.
// Anything else is a ScimRequestError `invalidFilter` (400) that says where the filter went wrong.
import { ScimRequestError } from './scim-errors.js';
import { attributeOnly, resolvePath, type AttrPath } from './scim-path.js';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

export type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'pr'; path: AttrPath }
  | { kind: 'compare'; op: CompareOp; path: AttrPath; value: Literal }
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

const COMPARE_OPS: readonly string[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 32;

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'punct'; text: '(' | ')' | '[' | ']'; at: number };

function invalid(message: string): ScimRequestError {
  return new ScimRequestError(400, 'invalidFilter', message);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: 'punct', text: c, at: i });
      i++;
    } else if (c === '"') {
      // A JSON string (RFC 7644: compValue strings are JSON strings): escapes as JSON reads them.
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw invalid(`unterminated string at position ${i + 1}`);
      let value: string;
      try {
        value = JSON.parse(input.slice(i, j + 1)) as string;
      } catch {
        throw invalid(`malformed string at position ${i + 1}`);
      }
      tokens.push({ type: 'string', value, at: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !' \t()[]"'.includes(input[j]!)) j++;
      tokens.push({ type: 'word', text: input.slice(i, j), at: i });
      i = j;
    }
  }
  return tokens;
}

const ATTR_PATH = /^(?:(urn:[A-Za-z0-9.:_-]+):)?([A-Za-z][\w$-]*)(?:\.([A-Za-z][\w$-]*))?$/;

/** `[urn:…:]attr[.sub]`; the URN is kept as written, the resource's schemas decide what it means. */
export function parseAttrPath(text: string): AttrPath {
  const match = ATTR_PATH.exec(text);
  if (match === null) throw invalid(`"${text}" is not an attribute path`);
  const [, urn, attribute, subAttribute] = match;
  return { ...(urn === undefined ? {} : { urn }), attribute: attribute!, ...(subAttribute === undefined ? {} : { subAttribute }) };
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[], private readonly inValuePath = false) {}

  parse(): Filter {
    const filter = this.binary('or', 0);
    const rest = this.tokens[this.position];
    if (rest !== undefined) throw invalid(`unexpected ${describe(rest)} at position ${rest.at + 1}`);
    return filter;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.position];
    return token?.type === 'word' ? token.text.toLowerCase() : undefined;
  }

  private next(what: string): Token {
    const token = this.tokens[this.position++];
    if (token === undefined) throw invalid(`the filter ends where ${what} was expected`);
    return token;
  }

  private expect(text: ')' | ']'): void {
    const token = this.next(`"${text}"`);
    if (token.type !== 'punct' || token.text !== text) throw invalid(`expected "${text}" at position ${token.at + 1}, found ${describe(token)}`);
  }

  /** `or` of `and`s of unary filters: `and` binds tighter. */
  private binary(kind: 'or' | 'and', depth: number): Filter {
    const operand = () => (kind === 'or' ? this.binary('and', depth) : this.unary(depth));
    let left = operand();
    while (this.peekWord() === kind) {
      this.position++;
      left = { kind, left, right: operand() };
    }
    return left;
  }

  private unary(depth: number): Filter {
    if (depth > MAX_DEPTH) throw invalid(`the filter nests deeper than ${MAX_DEPTH} levels`);
    const token = this.next('an attribute, "not" or "("');
    if (token.type === 'punct' && token.text === '(') {
      const inner = this.binary('or', depth + 1);
      this.expect(')');
      return inner;
    }
    if (token.type === 'word' && token.text.toLowerCase() === 'not') {
      const open = this.next('"(" after not');
      if (open.type !== 'punct' || open.text !== '(') throw invalid(`"not" must be followed by "(" at position ${open.at + 1}`);
      const inner = this.binary('or', depth + 1);
      this.expect(')');
      return { kind: 'not', filter: inner };
    }
    if (token.type !== 'word') throw invalid(`expected an attribute at position ${token.at + 1}, found ${describe(token)}`);
    const path = parseAttrPath(token.text);
    const following = this.tokens[this.position];
    if (following?.type === 'punct' && following.text === '[') {
      if (this.inValuePath) throw invalid(`a filter inside [ ] cannot contain another [ ] (position ${following.at + 1})`);
      if (path.subAttribute !== undefined) throw invalid(`"${token.text}[" : the [ ] filter goes on the attribute, before any sub-attribute`);
      this.position++;
      const start = this.position;
      let depthInside = 0;
      while (this.position < this.tokens.length) {
        const t = this.tokens[this.position]!;
        if (t.type === 'punct' && t.text === ']' && depthInside === 0) break;
        if (t.type === 'punct' && t.text === '(') depthInside++;
        if (t.type === 'punct' && t.text === ')') depthInside--;
        this.position++;
      }
      const inner = new Parser(this.tokens.slice(start, this.position), true).parse();
      this.expect(']');
      return { kind: 'valuePath', path, filter: inner };
    }
    const operator = this.next(`an operator after "${token.text}"`);
    const op = operator.type === 'word' ? operator.text.toLowerCase() : '';
    if (op === 'pr') return { kind: 'pr', path };
    if (!COMPARE_OPS.includes(op)) throw invalid(`"${operator.type === 'word' ? operator.text : describe(operator)}" at position ${operator.at + 1} is not an operator (eq ne co sw ew gt ge lt le pr)`);
    const valueToken = this.next(`a value after "${op}"`);
    return { kind: 'compare', op: op as CompareOp, path, value: literal(valueToken) };
  }
}

function describe(token: Token): string {
  return token.type === 'string' ? `string ${JSON.stringify(token.value)}` : `"${token.text}"`;
}

function literal(token: Token): Literal {
  if (token.type === 'string') return token.value;
  if (token.type === 'word') {
    const word = token.text.toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.text)) return Number(token.text);
  }
  throw invalid(`${describe(token)} at position ${token.at + 1} is not a value (a "string", a number, true, false or null)`);
}

export function parseFilter(input: string): Filter {
  if (input.length > MAX_FILTER_LENGTH) throw invalid(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(input);
  if (tokens.length === 0) throw invalid('the filter is empty');
  return new Parser(tokens).parse();
}

/** Attributes whose strings compare case-sensitively (RFC 7643 caseExact true); all others ignore case. */
const CASE_EXACT = new Set(['id', 'externalid', '$ref', 'version']);

function compareValues(op: CompareOp, actual: unknown, expected: Literal, caseExact: boolean): boolean {
  if (expected === null) {
    if (op === 'eq') return actual === undefined || actual === null;
    if (op === 'ne') return actual !== undefined && actual !== null;
    throw invalid(`"${op} null" is not a comparison`);
  }
  if (actual === undefined || actual === null) return op === 'ne';
  if (typeof expected === 'boolean') {
    if (op !== 'eq' && op !== 'ne') throw invalid(`"${op}" does not apply to a boolean`);
    return (actual === expected) === (op === 'eq');
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return op === 'ne';
    switch (op) {
      case 'eq': return actual === expected;
      case 'ne': return actual !== expected;
      case 'gt': return actual > expected;
      case 'ge': return actual >= expected;
      case 'lt': return actual < expected;
      case 'le': return actual <= expected;
      default: throw invalid(`"${op}" does not apply to a number`);
    }
  }
  if (typeof actual !== 'string') return op === 'ne';
  const a = caseExact ? actual : actual.toLowerCase();
  const e = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'eq': return a === e;
    case 'ne': return a !== e;
    case 'co': return a.includes(e);
    case 'sw': return a.startsWith(e);
    case 'ew': return a.endsWith(e);
    // Strings (dates in ISO 8601 among them) order lexicographically (RFC 7644 §3.4.2.2).
    case 'gt': return a > e;
    case 'ge': return a >= e;
    case 'lt': return a < e;
    case 'le': return a <= e;
  }
}

/** A multi-valued or complex value compared without a sub-attribute compares its `value` (RFC 7644 §3.4.2.2). */
function comparable(value: unknown): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { value?: unknown }).value : value;
}

export function matchesFilter(resource: Record<string, unknown>, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and': return matchesFilter(resource, filter.left) && matchesFilter(resource, filter.right);
    case 'or': return matchesFilter(resource, filter.left) || matchesFilter(resource, filter.right);
    case 'not': return !matchesFilter(resource, filter.filter);
    case 'pr':
      return resolvePath(resource, filter.path).some((v) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && Object.keys(v as object).length === 0));
    case 'compare': {
      const values = resolvePath(resource, filter.path).map(comparable);
      const caseExact = CASE_EXACT.has((filter.path.subAttribute ?? filter.path.attribute).toLowerCase());
      // "ne" holds when no value equals; every other operator when some value satisfies it.
      if (filter.op === 'ne') return !values.some((v) => compareValues('eq', v, filter.value, caseExact));
      if (values.length === 0) return compareValues(filter.op, undefined, filter.value, caseExact);
      return values.some((v) => compareValues(filter.op, v, filter.value, caseExact));
    }
    case 'valuePath': {
      const elements = resolvePath(resource, attributeOnly(filter.path));
      return elements.some((element) => typeof element === 'object' && element !== null && matchesFilter(element as Record<string, unknown>, filter.filter));
    }
  }
}
