import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';

/** The interactive request form (wired to src/cli/form/ when it lands). */
export async function askForRequest(_catalog: Catalog, _product: string, _base: string | undefined): Promise<Record<string, unknown>> {
  throw new UsageError('request/no-inputs', 'no inputs given', { hint: 'pass --customer and --set input=value, or -f request.yml' });
}
