import { SvcError } from '../../src/core/errors.js';

/** The typed error `f` throws; a test fails when it returns or throws anything else. */
export function refusal(f: () => unknown): SvcError {
  try {
    f();
  } catch (e) {
    if (e instanceof SvcError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
