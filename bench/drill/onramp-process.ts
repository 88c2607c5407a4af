// One `onramp start --only …` child process, run as a supervisor (ECS, systemd) would: started and
// waited for, killed on purpose by a drill, and restarted if it dies on its own — which is recorded,
// since a process that dies under a fault is a finding even when a supervisor hides it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface UnexpectedExit {
  process: string;
  code: number | null;
  signal: string | null;
  at: number;
  lastLines: string[];
}

export interface OnrampProcess {
  readonly name: string;
  /** The ingest URL, once a process running ingest is ready. */
  readonly url: string | undefined;
  start(): Promise<void>;
  /** SIGKILL, no restart: the drill restarts it when it wants to. */
  kill(): Promise<void>;
  /** SIGTERM and wait: the process closes cleanly. */
  stop(): Promise<void>;
  readonly exits: UnexpectedExit[];
  alive(): boolean;
  pid(): number | undefined;
}

const live = new Set<ChildProcess>();

/** Every onramp child still running, for the drill's clean-up on exit or Ctrl-C. */
export function liveOnrampChildren(): ChildProcess[] {
  return [...live];
}

export function onrampProcess(name: string, only: string, env: NodeJS.ProcessEnv, logFile: string, readyTimeoutMs = 60_000): OnrampProcess {
  let child: ChildProcess | undefined;
  let url: string | undefined;
  let intended = false;
  const exits: UnexpectedExit[] = [];
  const tail: string[] = [];
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });

  const start = async (): Promise<void> => {
    intended = false;
    const running = spawn(process.execPath, ['bin/onramp.js', 'start', '--only', only], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = running;
    live.add(running);
    let output: string | undefined = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} was not ready within ${readyTimeoutMs} ms:\n${tail.join('\n')}`)), readyTimeoutMs);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        log.write(text);
        for (const line of text.split('\n').filter(Boolean)) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
        }
        if (output !== undefined) {
          output += text;
          url ??= /ingest listening on (\S+)/.exec(output)?.[1];
          if (output.includes('onramp started')) {
            output = undefined;
            clearTimeout(timer);
            resolve();
          }
        }
      };
      running.stdout!.on('data', onData);
      running.stderr!.on('data', onData);
      running.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before it was ready:\n${tail.join('\n')}`));
      });
    });
    running.once('exit', (code, signal) => {
      live.delete(running);
      if (intended || child !== running) return;
      exits.push({ process: name, code, signal, at: Date.now(), lastLines: [...tail] });
      log.write(`--- ${name} exited on its own (${code ?? signal}); restarted by the drill's supervisor\n`);
      void start().catch((error: unknown) => log.write(`--- restart failed: ${String(error)}\n`));
    });
    await ready;
  };

  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    intended = true;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill(signal);
    });
  };

  return {
    name,
    get url() {
      return url;
    },
    start,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    exits,
    alive: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    pid: () => child?.pid,
  };
}
