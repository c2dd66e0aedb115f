import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A package required on first use rather than imported: a quick command (`svc list`, `svc show`,
 * `--version`) then never pays for loading what only another path needs (yaml ~30 ms, ajv ~25 ms,
 * ip-address ~20 ms, js-yaml ~10 ms). CommonJS packages only: ESM cannot be required synchronously
 * on Node 20. Types come from `typeof import(name)`, which the compiler erases.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
