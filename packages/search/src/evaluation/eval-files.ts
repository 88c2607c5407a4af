// The two files of a relevance evaluation: queries (JSON lines `{"id","text"}`) and judgements (TSV
// `query_id<TAB>doc_id<TAB>relevance` with a header line). A malformed line is refused with its number.
import { SearchError } from '../errors.js';
import { cranfieldGrade, type Judgements } from './score-ranking.js';

/** A malformed line in an evaluation file; the message is `file:line: problem`. */
export class EvalFileError extends SearchError {
  constructor(file: string, line: number, problem: string) {
    super('eval_file_invalid', `${file}:${line}: ${problem}`);
  }
}

export interface EvalQuery {
  id: string;
  text: string;
}

/** How the relevance column is read: `graded` (0 none, higher better) or Cleverdon's `cranfield` codes. */
export type RelevanceScale = 'graded' | 'cranfield';

function lines(content: string): { line: string; number: number }[] {
  return content.split(/\r?\n/).map((line, i) => ({ line, number: i + 1 })).filter(({ line }) => line.trim() !== '');
}

export function parseQueries(content: string, file = 'queries'): EvalQuery[] {
  const seen = new Set<string>();
  return lines(content).map(({ line, number }) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new EvalFileError(file, number, 'not a JSON object');
    }
    const { id, text } = (typeof value === 'object' && value !== null ? value : {}) as { id?: unknown; text?: unknown };
    if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) throw new EvalFileError(file, number, '"id" must be a string or a number');
    if (typeof text !== 'string' || text.trim() === '' || text.length > 2000) throw new EvalFileError(file, number, '"text" must be a non-blank string of at most 2,000 characters');
    const key = String(id);
    if (seen.has(key)) throw new EvalFileError(file, number, `query id "${key}" appears twice`);
    seen.add(key);
    return { id: key, text };
  });
}

export function parseQrels(content: string, scale: RelevanceScale = 'graded', file = 'qrels'): Map<string, Judgements> {
  const all = lines(content);
  const header = all[0];
  const headerFields = header?.line.split('\t') ?? [];
  // A header, not a judgement: three fields, the last one not a number.
  if (header === undefined || headerFields.length !== 3 || /^\s*-?\d+\s*$/.test(headerFields[2]!)) {
    throw new EvalFileError(file, header?.number ?? 1, 'the first line must be the header query_id<TAB>doc_id<TAB>relevance');
  }
  const qrels = new Map<string, Judgements>();
  for (const { line, number } of all.slice(1)) {
    const fields = line.split('\t');
    if (fields.length !== 3) throw new EvalFileError(file, number, `expected 3 tab-separated fields, found ${fields.length}`);
    const [query, doc, relevance] = fields.map((f) => f.trim()) as [string, string, string];
    if (query === '' || doc === '') throw new EvalFileError(file, number, 'query_id and doc_id must not be empty');
    if (!/^-?\d+$/.test(relevance)) throw new EvalFileError(file, number, `relevance must be a whole number, got "${relevance}"`);
    const code = Number(relevance);
    let judged = qrels.get(query);
    if (judged === undefined) qrels.set(query, (judged = new Map()));
    judged.set(doc, scale === 'cranfield' ? cranfieldGrade(code) : code);
  }
  return qrels;
}
