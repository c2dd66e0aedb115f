/**
 * The shape of a product file: SURF's product-generator YAML, closed (unknown keys are errors), plus
 * svc's `generator:` (top level) and `role:` (per field). Values that need a better message than a
 * JSON Schema can give (`required:`, `modifiable:`, field types) are left open here and checked in
 * ./check-fields.ts. `svc schema export` writes `productFileJsonSchema` for editors.
 */
const scalar = { type: ['string', 'number', 'boolean'] } as const;
/** An enum value: plain, or SURF's `{key, value}` (key: the Python member name, which svc does not need). */
const enumValue = {
  anyOf: [
    { type: ['string', 'number'] },
    { type: 'object', additionalProperties: false, required: ['value'], properties: { key: { type: 'string', description: 'SURF: the Python enum member name (svc does not use it).' }, value: { type: ['string', 'number'], description: 'The value stored and offered.' } } },
  ],
} as const;

/** SURF's `{id, description}`, plus the rules svc can check itself. */
const validations = {
  type: 'array',
  description: "SURF's validators (id: the <id>_validator function). svc keeps them all and checks those with a rule: pattern, min_length, max_length, min_value, max_value.",
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: {
      id: { type: 'string', minLength: 1, description: 'The validator id: SURF calls <id>_validator.' },
      description: { type: 'string', description: 'What the validator checks, for people.' },
      pattern: { type: 'string', description: 'svc: a regular expression a str value must match.' },
      min_length: { type: 'integer', minimum: 0, description: 'svc: the shortest str value.' },
      max_length: { type: 'integer', minimum: 0, description: 'svc: the longest str value.' },
      min_value: { type: 'number', description: 'svc: the smallest int value.' },
      max_value: { type: 'number', description: 'svc: the largest int value.' },
    },
  },
} as const;

const field = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'snake_case resource type name' },
    description: { type: 'string', description: 'What the field holds, for people (shown in forms).' },
    type: { type: 'string', minLength: 1, description: 'str, int, bool, enum, list, a block type, or a schema kind (a relationship)' },
    required: { description: 'The lifecycle level from which the field must be set: inactive, provisioning or active. Absent: optional.' },
    modifiable: { description: 'Whether a modify workflow may change it (a boolean).' },
    default: { description: 'The value used when the requester gives none.' },
    enum_type: { enum: ['str', 'int'], description: 'For type enum: the type of the values.' },
    values: { type: 'array', minItems: 1, items: enumValue, description: 'For type enum: the allowed values.' },
    list_type: { type: 'string', minLength: 1, description: 'For type list: the item type.' },
    min_items: { type: 'integer', minimum: 0, description: 'For type list: the fewest items.' },
    max_items: { type: 'integer', minimum: 0, description: 'For type list: the most items.' },
    min_value: { type: 'number', description: 'For type int: the smallest value.' },
    max_value: { type: 'number', description: 'For type int: the largest value.' },
    validations,
    role: {
      enum: ['input', 'output'],
      description: 'svc: input = the requester fills it in (the form); output = the generator fills it in. Default: input when required at inactive or provisioning, else output.',
    },
  },
} as const;

export const productFileJsonSchema = {
  $id: 'https://svc.dev/schema/product.json',
  title: 'svc product file (SURF product-generator dialect)',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'product_blocks'],
  properties: {
    config: {
      type: 'object',
      additionalProperties: false,
      description: "SURF's generator options; accepted and ignored by svc.",
      properties: {
        create_summary_forms: { type: 'boolean', description: 'SURF: generate summary forms; ignored by svc.' },
        send_email: { type: 'boolean', description: 'SURF: send e-mail on workflow steps; ignored by svc.' },
        summary_forms: { type: 'boolean', description: 'SURF: show summary forms; ignored by svc.' },
      },
    },
    name: { type: 'string', minLength: 1, description: 'Product name; variants are named "<name> <fixed input values>".' },
    type: { type: 'string', minLength: 1, description: 'UpperCamelCase product type (another spelling is read as UpperCamelCase, with a warning).' },
    tag: { type: 'string', minLength: 1, description: 'Short product tag (SURF: the product tag, e.g. DIA).' },
    description: { type: 'string', description: 'What the product is, for people.' },
    generator: { type: 'string', minLength: 1, description: 'svc: the generator (generator_definitions name in .orchestrator.yml) that implements the product.' },
    fixed_inputs: {
      type: 'array',
      description: 'Inputs fixed per variant: each combination of their values is a product variant.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'snake_case fixed input name.' },
          description: { type: 'string', description: 'What the fixed input means, for people.' },
          type: { type: 'string', minLength: 1, description: 'enum, str, int or bool (another type is read as str, with a warning)' },
          enum_type: { enum: ['str', 'int'], description: 'For type enum: the type of the values.' },
          values: { type: 'array', minItems: 1, items: enumValue, description: 'For type enum: the values, one variant each.' },
          value: { ...scalar, description: 'A single value (one variant).' },
          default: { description: 'Accepted for SURF files; not used by svc (every value is a variant).' },
        },
      },
    },
    product_blocks: {
      type: 'array',
      description: 'The product blocks: the root block first, then the blocks it uses.',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'snake_case (another spelling is read as snake_case, with a warning)' },
          type: { type: 'string', minLength: 1, description: 'UpperCamelCase block type; other products refer to the block by it (another spelling is read as UpperCamelCase, with a warning).' },
          tag: { type: 'string', description: 'Short block tag (SURF).' },
          description: { type: 'string', description: 'What the block is, for people.' },
          fields: { type: 'array', items: field, description: 'Absent: a reference to a block defined in another product file.' },
        },
      },
    },
    workflows: {
      type: 'array',
      description: 'The lifecycle workflows the product offers; absent: all of them.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { enum: ['create', 'modify', 'terminate', 'validate'], description: 'The workflow.' },
          enabled: { type: 'boolean', description: 'false: svc refuses requests of this workflow.' },
          description: { type: 'string', description: 'What the workflow does, for people.' },
          flows: { description: 'Accepted for SURF files; not used by svc (a request runs the generators).' },
          validations,
        },
      },
    },
  },
} as const;
