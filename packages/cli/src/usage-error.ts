/** A command line onramp cannot run: exit code 2 (EXIT.usage) with the usage text. */
export class UsageError extends Error {}
