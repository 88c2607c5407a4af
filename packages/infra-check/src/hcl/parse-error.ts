/** The input could not be parsed; carries the position so the CLI can point at it. */
export class InfraParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'InfraParseError';
  }
}
