// hcl2json's JSON has no positions, so findings are located by reading the source text:
// the line of a block header, and the line of an attribute or nested block inside it.

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line of `kind "label" "label" {`, or 1 when not found. */
export function blockLine(text: string, kind: string, labels: string[]): number {
  const header = [kind, ...labels.map((l) => `"?${escape(l)}"?`)].join('\\s+');
  const match = new RegExp(`^[ \\t]*${header}\\s*\\{`, 'm').exec(text);
  return match ? lineAt(text, match.index) : 1;
}

/** 1-based line where `name =` or `name {` first appears inside the block starting at `start`. */
export function attributeLine(text: string, start: number, name: string): number {
  const lines = text.split('\n');
  let depth = 0;
  for (let i = start - 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (i > start - 1 && new RegExp(`^\\s*${escape(name)}\\s*(=|\\{)`).test(line)) return i + 1;
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    if (i > start - 1 && depth <= 0) break;
  }
  return start;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
