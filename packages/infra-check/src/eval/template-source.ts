// hcl2json hands back every expression as template source text with its quoted-string escapes
// already decoded. To parse it again as an HCL template we put the quotes back around it,
// escaping only the literal stretches: inside `${…}` and `%{…}` the text is expression syntax.

export function quoteTemplate(template: string): string {
  // Apply the whitespace strip markers (`~}` and `${~`/`%{~`) first; the parser's tree
  // keeps the literal text unstripped.
  const source = template.replace(/~\}\s*/g, '}').replace(/\s*([$%])\{~/g, '$1{');
  let out = '"';
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    if ((ch === '$' || ch === '%') && next === '{' && source[i - 1] !== ch) {
      const end = interpolationEnd(source, i + 2);
      out += source.slice(i, end);
      i = end;
      continue;
    }
    out += escapeLiteral(ch);
    i += 1;
  }
  return out + '"';
}

function escapeLiteral(ch: string): string {
  switch (ch) {
    case '"': return '\\"';
    case '\\': return '\\\\';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return ch;
  }
}

/** Index just past the `}` that closes an interpolation whose body starts at `start`. */
function interpolationEnd(source: string, start: number): number {
  let depth = 1;
  let i = start;
  let quote = false;
  while (i < source.length && depth > 0) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i += 1;
      else if (ch === '"') quote = false;
    } else if (ch === '"') quote = true;
    else if (ch === '{') depth += 1;
    else if (ch === '}') depth -= 1;
    i += 1;
  }
  return i;
}

/** Decodes the escapes of a literal stretch of an HCL quoted template. */
export function decodeLiteral(raw: string): string {
  return raw
    .replace(/\\(["\\nrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g, (_m, esc: string) => {
      switch (esc[0]) {
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'u':
        case 'U': return String.fromCodePoint(parseInt(esc.slice(1), 16));
        default: return esc;
      }
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** True when the text holds an interpolation or directive, i.e. needs evaluating. */
export function isTemplate(text: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(text);
}
