import type { Diagnostic } from './diagnostics.js';

/**
 * The few error types the core throws. The CLI turns them into output and an exit code in one place
 * (src/cli/run.ts); the core never prints or exits.
 *
 * exit 1: the input is invalid (validation failed);
 * exit 2: the command was used wrongly or the configuration is broken.
 */
export type ExitCode = 1 | 2;

export class SvcError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly diagnostics: Diagnostic[];

  constructor(
    code: string,
    message: string,
    opts: { exitCode?: ExitCode; hint?: string; diagnostics?: Diagnostic[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SvcError';
    this.code = code;
    this.exitCode = opts.exitCode ?? 2;
    this.hint = opts.hint;
    this.diagnostics = opts.diagnostics ?? [];
  }
}

/** Input that breaks the rules: schema, product, inventory or request data. Exit 1. */
export class ValidationError extends SvcError {
  constructor(code: string, message: string, opts: { hint?: string; diagnostics?: Diagnostic[]; cause?: unknown } = {}) {
    super(code, message, { ...opts, exitCode: 1 });
    this.name = 'ValidationError';
  }
}

/** Wrong arguments, missing catalog, broken configuration. Exit 2. */
export class UsageError extends SvcError {
  constructor(code: string, message: string, opts: { hint?: string; diagnostics?: Diagnostic[]; cause?: unknown } = {}) {
    super(code, message, { ...opts, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** A git command failed in a way the user can act on. Exit 2. */
export class GitError extends SvcError {
  constructor(message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super('git/failed', message, { ...opts, exitCode: 2 });
    this.name = 'GitError';
  }
}
