import { diag } from '../../core/diagnostics.js';
import { SvcError } from '../../core/errors.js';
import type { GeneratorSdk } from '../../sdk/index.js';
import type { LoadedGenerator } from './load.js';
import { locateError } from './stack.js';

/**
 * Runs a loaded generator for one target. Whatever it throws comes back as one SvcError that names
 * the generator, the target and the line in the generator's own source, with the original error as
 * its `cause`. svc's own errors raised through the sdk (a pool exhausted) keep their code, exit code
 * and hint; anything else is a `generators/failed` validation error (exit 1).
 */
export async function runGenerator(gen: LoadedGenerator, sdk: GeneratorSdk, context: { generator: string; target: string }): Promise<void> {
  try {
    await gen.generate(sdk);
  } catch (e) {
    throw generatorFailure(e, gen, context);
  }
}

export function generatorFailure(e: unknown, gen: LoadedGenerator, context: { generator: string; target: string }): SvcError {
  const err = e instanceof Error ? e : new Error(typeof e === 'string' ? e : `non-error value thrown: ${String(e)}`);
  const at = locateError(err, gen);
  const where = at ? `${at.file}:${at.line}:${at.column}` : gen.displayPath;
  const own = err instanceof SvcError ? err : undefined;
  const code = own?.code ?? 'generators/failed';
  const message = `generator ${context.generator} failed for target ${context.target} at ${where}: ${err.message}`;
  return new SvcError(code, message, {
    exitCode: own?.exitCode ?? 1,
    ...(own?.hint !== undefined ? { hint: own.hint } : {}),
    diagnostics: [diag('error', code, err.message, at ?? { file: gen.displayPath }, { subject: context.target })],
    cause: err,
  });
}
