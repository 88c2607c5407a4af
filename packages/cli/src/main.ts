// The `onramp` command line.
import { parseArgs } from 'node:util';
import { runInfraCheck } from '@onramp/infra-check';
import { ConfigError, createLogger, EXIT, exitCodeOf, loadConfig, type Consumer } from '@onramp/core';
import { consumerNames } from './consumer-modules.js';
import { backfillConsumer, listConsumers } from './consumers-command.js';
import { openContext, processIo, type Io } from './context.js';
import { deployConsumers } from './deploy-consumers.js';
import { docsAdd } from './docs-command.js';
import { listDlq, retryDlq } from './dlq-command.js';
import { drainMns } from './mns-command.js';
import { decideHeld, listHeld } from './lifecycle-command.js';
import { listEvents, tailEvents } from './events-command.js';
import { migrateCommand } from './migrate-command.js';
import { reindexCommand } from './reindex-command.js';
import { replayCommand } from './replay-command.js';
import { searchEval } from './search-eval-command.js';
import { checkComponentsConfig, chooseComponents, startCommand } from './start-command.js';
import { trainCommand } from './train-command.js';
import { UsageError } from './usage-error.js';

export const USAGE = `usage: onramp <command>

  migrate                                   create the database if missing, apply the migrations, register
                                            the consumers' subscriptions (needs DDL rights; run it first)
  start [--only ingest,...]                 run the services in this process
  events list|tail [--after N] [--limit N] [--type T] [--subject S] [--json]
  replay --consumer C [--from-seq N] [--to-seq M] [--type T] [--subject S] [--dry-run] [--force]
  consumers [--json]                        each consumer's start, lag, in-flight and dead letters
  consumers --names | --deploy              the consumer list: names, or deploy/consumers.json's content
  consumers backfill --consumer C --from-seq N [--dry-run]   hand a consumer events from before its start
  dlq list [--consumer C] [--json]          (also the MNS messages that could not become events)
  dlq retry --consumer C [--seq N]
  mns drain <queue>                         take every message now in an MNS queue (EventBridge's dead
                                            letters) into the log, as mns-intake would
  lifecycle held [--json]                   deprovisionings held at the deletion threshold (DEPROVISION_THRESHOLD)
  lifecycle approve|reject --all | --seq N  release the held deprovisionings, or record them as rejected and skip them
  docs add <folder> --acl group1,group2     publish each .md/.txt/.html file as a Document.Published event
  reindex                                   rebuild the search index from the log and swap it in
  search eval <queries.jsonl> <qrels.tsv> [--relevance graded|cranfield] [--json]
                                            nDCG@10 and recall@100 per mode of the configured search index
  infra check [dir] [--format table|json|sarif]   check Terraform against the MLPS 2.0 level-3 rules
  train [--model-id ID] [--training-index I] [--field F] [--nlist N]   train a faiss IVF-PQ k-NN model in OpenSearch

consumers: ${consumerNames().join(', ')}

exit codes: 0 ok, 1 failed (or infra check found something), 2 usage, 69 MySQL or Redis unavailable,
75 run "onramp migrate" first, 78 bad configuration`;

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, got "${value}"`);
  return n;
}

function consumer(value: string | undefined, required: true): Consumer;
function consumer(value: string | undefined, required: boolean): Consumer | undefined;
function consumer(value: string | undefined, required: boolean): Consumer | undefined {
  if (value === undefined && !required) return undefined;
  if (value === undefined || !consumerNames().includes(value)) {
    throw new UsageError(`--consumer takes one of ${consumerNames().join(', ')}${value === undefined ? '' : `, got "${value}"`}`);
  }
  return value;
}

const OPTIONS = {
  only: { type: 'string' },
  after: { type: 'string' },
  limit: { type: 'string' },
  type: { type: 'string' },
  subject: { type: 'string' },
  json: { type: 'boolean' },
  names: { type: 'boolean' },
  deploy: { type: 'boolean' },
  consumer: { type: 'string' },
  'from-seq': { type: 'string' },
  'to-seq': { type: 'string' },
  seq: { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  all: { type: 'boolean' },
  acl: { type: 'string' },
  'model-id': { type: 'string' },
  'training-index': { type: 'string' },
  field: { type: 'string' },
  nlist: { type: 'string' },
  relevance: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // `infra check` has options of its own and needs no database: hand it the rest of the line.
  if (argv[0] === 'infra' && argv[1] === 'check') return runInfraCheck(argv.slice(2), { stdout: io.out, stderr: io.err });
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values: v, positionals: [command, sub, target, fourth] } = parsed;
  if (v.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (command === undefined) {
    io.err(USAGE);
    return EXIT.usage;
  }
  try {
    const filter = {
      ...(v.type === undefined ? {} : { type: v.type }),
      ...(v.subject === undefined ? {} : { subject: v.subject }),
    };
    const run = async (): Promise<'keep-running' | void> => {
      if (command === 'migrate' && sub === undefined) return migrateCommand(loadConfig(), io);
      if (command === 'start') {
        // Everything checkable is checked before anything starts: the command line, then the configuration.
        const config = loadConfig();
        const names = chooseComponents(v.only, config);
        checkComponentsConfig(config, names);
        await startCommand(await openContext(config), io, names);
        return 'keep-running';
      }
      if (command === 'events' && (sub === 'list' || sub === 'tail')) {
        const ctx = await openContext();
        const range = { ...filter, after: integer(v.after, '--after') ?? 0, limit: integer(v.limit, '--limit') ?? 100 };
        try {
          if (sub === 'list') return await listEvents(ctx, io, range, v.json === true);
          const stop = new AbortController();
          process.once('SIGINT', () => stop.abort());
          return await tailEvents(ctx, io, range, v.json === true, stop.signal);
        } finally {
          await ctx.db.destroy();
        }
      }
      if (command === 'replay') {
        const request = {
          consumer: consumer(v.consumer, true),
          ...filter,
          ...(v['from-seq'] === undefined ? {} : { fromSeq: integer(v['from-seq'], '--from-seq')! }),
          ...(v['to-seq'] === undefined ? {} : { toSeq: integer(v['to-seq'], '--to-seq')! }),
          dryRun: v['dry-run'] === true,
          force: v.force === true,
        };
        const ctx = await openContext();
        return replayCommand(ctx, io, request).finally(() => ctx.db.destroy());
      }
      if (command === 'consumers' && sub === undefined && v.names === true) return consumerNames().forEach((name) => io.out(name));
      if (command === 'consumers' && sub === undefined && v.deploy === true) return io.out(JSON.stringify(deployConsumers(), null, 2));
      if (command === 'consumers' && (sub === undefined || sub === 'backfill')) {
        const name = sub === 'backfill' ? consumer(v.consumer, true) : undefined;
        const from = integer(v['from-seq'], '--from-seq');
        if (sub === 'backfill' && (from === undefined || from < 1)) throw new UsageError('consumers backfill takes --from-seq N (N ≥ 1)');
        const ctx = await openContext();
        const work = name === undefined ? listConsumers(ctx, io, v.json === true) : backfillConsumer(ctx, io, name, from!, v['dry-run'] === true);
        return work.finally(() => ctx.db.destroy());
      }
      if (command === 'dlq' && (sub === 'list' || sub === 'retry')) {
        const target = consumer(v.consumer, sub === 'retry');
        const ctx = await openContext();
        const work = sub === 'list' ? listDlq(ctx, io, target, v.json === true) : retryDlq(ctx, io, target!, integer(v.seq, '--seq'));
        return work.finally(() => ctx.db.destroy());
      }
      if (command === 'mns' && sub === 'drain') {
        if (target === undefined) throw new UsageError('mns drain takes the name of the queue');
        const ctx = await openContext();
        return drainMns(ctx, io, target).finally(() => ctx.db.destroy());
      }
      if (command === 'lifecycle' && (sub === 'held' || sub === 'approve' || sub === 'reject')) {
        const seq = integer(v.seq, '--seq');
        if (sub !== 'held' && (v.all === true) === (seq !== undefined)) throw new UsageError(`lifecycle ${sub} takes either --all or --seq N`);
        const ctx = await openContext();
        const selection = seq === undefined ? { all: true as const } : { seq };
        const work = sub === 'held' ? listHeld(ctx, io, v.json === true) : decideHeld(ctx, io, sub === 'approve' ? 'approved' : 'rejected', selection);
        return work.finally(() => ctx.db.destroy());
      }
      if (command === 'docs' && sub === 'add') {
        const acl = (v.acl ?? '').split(',').map((g) => g.trim()).filter(Boolean);
        if (target === undefined || acl.length === 0) throw new UsageError('docs add takes a folder and --acl with the groups that may read the documents');
        const ctx = await openContext();
        return docsAdd(ctx, io, target, acl).then(() => undefined).finally(() => ctx.db.destroy());
      }
      if (command === 'search' && sub === 'eval') {
        if (target === undefined || fourth === undefined) throw new UsageError('search eval takes a queries file (JSON lines) and a judgements file (TSV)');
        const relevance = v.relevance ?? 'graded';
        if (relevance !== 'graded' && relevance !== 'cranfield') throw new UsageError(`--relevance takes graded or cranfield, got "${relevance}"`);
        const config = loadConfig();
        return searchEval(config, createLogger(config.logLevel), io, { queries: target, qrels: fourth }, { json: v.json === true, relevance }).then(() => undefined);
      }
      if (command === 'reindex') {
        const ctx = await openContext();
        return reindexCommand(ctx, io).then(() => undefined).finally(() => ctx.db.destroy());
      }
      if (command === 'train') {
        return trainCommand(loadConfig(), io, { modelId: v['model-id'], trainingIndex: v['training-index'], field: v.field, nlist: integer(v.nlist, '--nlist') });
      }
      throw new UsageError(`unknown command "${[command, sub].filter(Boolean).join(' ')}"`);
    };
    await run();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    // A bad configuration says it all itself; the rest say which command failed.
    io.err(error instanceof ConfigError ? error.message : `onramp ${command}: ${(error as Error).message}`);
    return exitCodeOf(error);
  }
}
