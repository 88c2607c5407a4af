// `onramp search eval <queries.jsonl> <qrels.tsv>`: how well the configured search index (the one
// `onramp start` serves) ranks the user's own judged queries, per mode: nDCG@10 and recall@100, scored
// by the same code as the project's Cranfield benchmark. Queries run in this process against the index
// (no caller filter: every document counts); a hit's document id is its `uri`, chunks count once.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config, Logger } from '@onramp/core';
import {
  createSearch,
  meanScore,
  parseQrels,
  parseQueries,
  readGenerationAlias,
  scoreRanking,
  searchHome,
  SearchError,
  type RelevanceScale,
  type SearchMode,
} from '@onramp/search';
import type { Io } from './context.js';

const MODES: SearchMode[] = ['keyword', 'vector', 'hybrid'];
/** Depth of each ranking: recall is measured at 100. */
const DEPTH = 100;

export interface ModeEvaluation {
  mode: SearchMode;
  ndcgAt10: number;
  recallAt100: number;
}

export interface SearchEvaluation {
  embedder: string;
  /** Queries that have at least one relevant judged document (the others cannot be scored). */
  queries: number;
  modes: ModeEvaluation[];
}

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SearchError('eval_file_unreadable', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function searchEval(
  config: Config,
  logger: Logger,
  io: Io,
  files: { queries: string; qrels: string },
  options: { json: boolean; relevance: RelevanceScale },
): Promise<SearchEvaluation> {
  // Both files are checked whole before the index is opened.
  const queries = parseQueries(await readInput(files.queries), basename(files.queries));
  const qrels = parseQrels(await readInput(files.qrels), options.relevance, basename(files.qrels));
  const judged = queries.filter((q) => qrels.has(q.id));
  if (judged.length === 0) throw new SearchError('eval_nothing_judged', `no query in ${files.queries} has a judgement in ${files.qrels}`);
  if (config.search.backend === 'embedded' && (await readGenerationAlias(searchHome(config.home))) === undefined) {
    throw new SearchError('index_missing', `there is no search index under ${searchHome(config.home)} (ONRAMP_HOME); publish documents and run \`onramp start\` or \`onramp reindex\` first`);
  }
  const search = await createSearch(config, logger);
  try {
    await search.store.open(search.embedder);
    const vectors = await search.embedder.embed(judged.map((q) => q.text), 'query');
    const modes: ModeEvaluation[] = [];
    let counted = 0;
    for (const mode of MODES) {
      const perQuery = [];
      for (const [i, query] of judged.entries()) {
        const hits = await search.store.search({ query: query.text, vector: vectors[i]!, k: DEPTH, mode, filter: { groups: 'all', kind: 'document' } });
        const ranked = [...new Set(hits.flatMap((hit) => (typeof hit.fields?.uri === 'string' ? [hit.fields.uri] : [])))];
        perQuery.push(scoreRanking(ranked, qrels.get(query.id)!));
      }
      const mean = meanScore(perQuery);
      counted = mean.queries;
      modes.push({ mode, ndcgAt10: round4(mean.ndcgAt10), recallAt100: round4(mean.recallAt100) });
    }
    const result = { embedder: search.embedder.name, queries: counted, modes };
    if (options.json) {
      io.out(JSON.stringify(result));
    } else {
      io.out(`${counted} judged quer${counted === 1 ? 'y' : 'ies'} against the search index (embedder ${result.embedder})`);
      io.out('mode      nDCG@10  recall@100');
      for (const m of modes) io.out(`${m.mode.padEnd(9)} ${m.ndcgAt10.toFixed(4).padStart(7)}  ${m.recallAt100.toFixed(4).padStart(10)}`);
    }
    return result;
  } finally {
    await search.close();
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

