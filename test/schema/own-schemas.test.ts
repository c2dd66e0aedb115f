import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { catalogConfigSchema } from '../../src/core/catalog/config-schema.js';
import { ownValidator } from '../../src/core/own-schema.js';
import { productFileJsonSchema } from '../../src/core/products/file-schema.js';
import { schemaFileSchema } from '../../src/core/schema/meta-schema.js';

/** svc compiles its own JSON Schemas without ajv's meta-schema check (src/core/own-schema.ts): this is that check. */
describe("svc's own JSON Schemas", () => {
  const meta = new Ajv({ strict: false });
  it.each([
    ['.orchestrator.yml', catalogConfigSchema],
    ['schema files', schemaFileSchema],
    ['product files', productFileJsonSchema],
  ])('the schema of %s is a valid JSON Schema', (_, schema) => {
    expect(meta.validateSchema(schema), JSON.stringify(meta.errors)).toBe(true);
    expect(ownValidator(schema)()({})).toBeTypeOf('boolean');
  });

  it('the check would see a broken one', () => {
    expect(meta.validateSchema({ type: 'mapping', properties: [] })).toBe(false);
  });
});
