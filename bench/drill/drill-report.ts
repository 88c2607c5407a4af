// Writes a drill run into bench/results/drill.json and between the markers of docs/drill.md, so that
// the prose around the table (what each drill does, findings) survives a new run.
import { readFile, writeFile } from 'node:fs/promises';
import { markdownTable, type DrillRow } from './drill-table.js';
import { machineLine, type Machine } from '../machine.js';

export const BEGIN = '<!-- drill:begin (written by npm run drill) -->';
export const END = '<!-- drill:end -->';

export function reportMarkdown(machine: Machine, rows: readonly DrillRow[], notes: Record<string, string[]>, quick: boolean, seconds: number, loadAverage: number): string {
  const lines = [
    BEGIN,
    `Run of ${machine.date.slice(0, 10)}${quick ? ' (--quick)' : ''}, ${Math.round(seconds)} s in all, on ${machineLine(machine)}; load average ${loadAverage.toFixed(1)} when it started (the cores are shared).`,
    '',
    markdownTable(rows),
    '',
  ];
  const noted = Object.entries(notes).filter(([, n]) => n.length > 0);
  if (noted.length > 0) {
    lines.push('What happened in each drill:', '');
    for (const [drill, n] of noted) lines.push(`- ${drill}: ${n.join('; ')}`);
    lines.push('');
  }
  lines.push(END);
  return lines.join('\n');
}

/** Replaces what is between the markers (or appends the block if the file has none). */
export function spliceReport(document: string, block: string): string {
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin === -1 || end === -1 || end < begin) return `${document.trimEnd()}\n\n${block}\n`;
  return `${document.slice(0, begin)}${block}${document.slice(end + END.length)}`;
}

export async function writeReport(path: string, block: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => '# Fault drill\n');
  await writeFile(path, spliceReport(current, block));
}
