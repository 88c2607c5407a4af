// The one table the drill prints, for the terminal and for docs/drill.md.

export interface DrillRow {
  drill: string;
  /** Requests ingest answered 202, and how many of them it reported as duplicates. */
  accepted: number;
  acceptedDuplicates: number;
  expected: number;
  seen: number;
  duplicates: number;
  lost: number;
  /** Outcome events in the log (WelcomeSent, AccessGranted): seen once per person, expected. */
  outcomesSeen: number;
  outcomesExpected: number;
  outcomeDuplicates: number;
  recovered: boolean;
  /** From the end of the fault to every effect done and recorded; undefined: never within the limit. */
  recoverSeconds: number | undefined;
}

export const COLUMNS = ['drill', 'events accepted', 'effects expected', 'effects seen', 'duplicates', 'lost', 'log outcomes', 'recovered without an operator', 'time to recover'] as const;

export function cells(row: DrillRow): string[] {
  const outcomes = `${row.outcomesSeen}/${row.outcomesExpected}${row.outcomeDuplicates > 0 ? ` (+${row.outcomeDuplicates} twice)` : ''}`;
  return [
    row.drill,
    row.acceptedDuplicates > 0 ? `${row.accepted} (${row.acceptedDuplicates} dup)` : String(row.accepted),
    String(row.expected),
    String(row.seen),
    String(row.duplicates),
    String(row.lost),
    outcomes,
    row.recovered ? 'yes' : 'no',
    row.recoverSeconds === undefined ? '—' : `${row.recoverSeconds.toFixed(1)} s`,
  ];
}

const NUMERIC = new Set([1, 2, 3, 4, 5, 8]);

/** A plain-text table with aligned columns (numbers to the right). */
export function formatTable(rows: readonly DrillRow[]): string {
  const table = [[...COLUMNS], ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (NUMERIC.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(table[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

/** The same table in Markdown. */
export function markdownTable(rows: readonly DrillRow[]): string {
  const align = COLUMNS.map((_, i) => (NUMERIC.has(i) ? '---:' : '---'));
  return [`| ${COLUMNS.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}
