import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';
import { lazyModule } from './lazy-module.js';

const ajv = lazyModule<typeof import('ajv')>('ajv');

/**
 * A new ajv, its module loaded on first use: loading ajv costs about 25 ms, which a quick command
 * (`svc list` with every cache warm) never needs.
 */
export function newAjv(options: Options): AjvClass {
  const { Ajv } = ajv();
  return new Ajv(options);
}

/**
 * A validator for one of svc's own JSON Schemas (the shapes of .orchestrator.yml, schema files and
 * product files), compiled on first use and kept for the process.
 *
 * ajv would first check such a schema against the JSON Schema meta-schema, which means compiling
 * the meta-schema as well: about 25 ms at the start of every command, for a schema that is a
 * constant of svc's source. test/schema/own-schemas.test.ts checks each against the meta-schema instead.
 */
export function ownValidator(schema: object): () => ValidateFunction {
  let compiled: ValidateFunction | undefined;
  return () => (compiled ??= newAjv({ allErrors: true, strict: false, verbose: true, validateSchema: false }).compile(schema));
}
