import { renderConfigSchemaProperties } from '../render/config.js';

/**
 * The shape of .orchestrator.yml, the catalog's root file (svc's counterpart of Infrahub's .infrahub.yml).
 * Keys that exist in .infrahub.yml keep its names and shapes (`schemas`, `generator_definitions` with
 * `name`, `file_path`, `targets`, `parameters`). `svc schema export` writes this schema for editors.
 */
/**
 * .infrahub.yml keys svc does not implement yet (queries, transforms, artifact_definitions and check_definitions it does: ../render/config.ts): accepted (any list) so a team's file can be reused,
 * each with a warning saying so (see ./infrahub-keys.ts), not refused as unknown.
 */
const INFRAHUB_ONLY_KEYS = Object.fromEntries(
  ['python_transforms', 'objects', 'menus'].map((k) => [
    k,
    { description: `As in .infrahub.yml; not used by svc yet (a warning says so).`, type: 'array' },
  ]),
);

export const catalogConfigSchema = {
  $id: 'https://svc.dev/schema/orchestrator.json',
  title: 'svc catalog (.orchestrator.yml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    schemas: {
      description: 'Schema files and folders (Infrahub dialect), relative to the catalog root. Default: [schemas].',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    products: {
      description: 'Product files and folders (SURF dialect), relative to the catalog root. Default: [products].',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    inventory: {
      description: 'The folder that holds one text file per inventory object. Default: inventory.',
      type: 'string',
      minLength: 1,
    },
    default_branch: {
      description: 'The branch requests start from and diffs compare with. Default: the remote HEAD, else main.',
      type: 'string',
      minLength: 1,
    },
    strict: {
      description: 'Strict mode: every warning (svc reading a file more strictly than Infrahub or SURF would) is an error, for every command that checks the catalog. Default: false.',
      type: 'boolean',
    },
    ...INFRAHUB_ONLY_KEYS,
    generator_limits: {
      description: 'What one generator run may use before svc stops it (see docs/sandbox.md).',
      type: 'object',
      additionalProperties: false,
      properties: {
        cpu_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 3600, description: 'CPU time of one run (one generator, one target). Default: 30.' },
        memory_mb: { type: 'integer', minimum: 16, maximum: 8192, description: "The generator's heap, in megabytes. Default: 256." },
      },
    },
    generator_definitions: {
      description: 'The generators: TypeScript or JavaScript modules that implement products.',
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'file_path', 'targets'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', description: 'Unique name, used by `svc generate --generator`.' },
          file_path: { type: 'string', minLength: 1, description: 'The module, relative to the catalog root.' },
          targets: { type: 'string', minLength: 1, description: 'The product name or schema kind whose objects this generator implements.' },
          description: { type: 'string' },
          parameters: {
            type: 'object',
            description: 'Fixed values handed to the generator as `sdk.parameters`.',
            additionalProperties: { type: ['string', 'number', 'boolean'] },
          },
        },
      },
    },
    ...renderConfigSchemaProperties,
  },
} as const;
