import { SvcError } from '../../core/errors.js';

/**
 * A compare-and-swap on a ref was refused: the ref exists when it should not, or it moved since it
 * was read. Callers either retry from the new value (the ledger) or tell the user (a request branch).
 */
export class RefConflictError extends SvcError {
  readonly ref: string;
  /** The value the ref holds now, or null when it does not exist. */
  readonly actual: string | null;

  constructor(code: 'git/ref-exists' | 'git/ref-moved' | 'git/ref-missing', ref: string, actual: string | null, message: string, hint?: string) {
    super(code, message, hint === undefined ? { exitCode: 2 } : { exitCode: 2, hint });
    this.name = 'RefConflictError';
    this.ref = ref;
    this.actual = actual;
  }
}
