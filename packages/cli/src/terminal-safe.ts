// Event data is written by whoever sent the event: printed raw, an escape sequence could rewrite the
// terminal (move the cursor, fake a line, set the title) and a bidi control could reorder what is read.
// Such characters are shown as visible \uXXXX escapes instead.

// C0 controls and DEL, C1 controls, bidi marks, embeddings, overrides and isolates, line/paragraph separators.
// eslint-disable-next-line no-control-regex -- finding control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text for a terminal line: every control or bidi character as a visible \uXXXX. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * JSON.stringify, with the characters it leaves raw (C1 controls, bidi controls, U+2028/2029) escaped
 * too. They can only occur inside strings there, where \uXXXX means the same character: still valid JSON.
 */
export function terminalSafeJson(value: unknown): string {
  return terminalSafe(JSON.stringify(value));
}
