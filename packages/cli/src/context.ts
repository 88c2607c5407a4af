// What every command needs: the validated config, a logger, and the log database (its schema checked:
// only `onramp migrate` changes it).
import { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { createLogger, createRegistry, loadConfig, openLog, type Config, type Db, type Logger } from '@onramp/core';

export interface CommandContext {
  config: Config;
  logger: Logger;
  db: Db;
  queuePrefix: string;
  /** In-process signal from ingest to the dispatcher that events were appended. */
  appended: EventEmitter;
  /** The process's metrics: ingest's /metrics serves them, the consumers' among them. */
  registry: Registry;
}

export async function openContext(config: Config = loadConfig()): Promise<CommandContext> {
  const logger = createLogger(config.logLevel);
  return { config, logger, ...(await openLog(config)), appended: new EventEmitter(), registry: createRegistry('onramp') };
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTty: boolean;
  /** Where progress bars are drawn when isTty; stderr unless given (tests capture the frames). */
  progressStream?: NodeJS.WritableStream;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: process.stdout.isTTY === true,
};
