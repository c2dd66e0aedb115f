import { ATTRIBUTE_KINDS, RELATIONSHIP_KINDS } from './model.js';

/**
 * The structure of a schema file in the Infrahub dialect, as a JSON Schema for ajv (and for editors,
 * through `svc schema export`). Names and meaning (patterns, references, defaults) are checked by
 * ./check.ts so each problem gets its own code and hint; this file only decides which keys exist and
 * what type their values have. Unknown keys are rejected everywhere.
 */
const text = (description: string) => ({ type: 'string', description });
const bool = (description: string) => ({ type: 'boolean', description });
const int = (description: string) => ({ type: 'integer', description });
const strings = (description: string) => ({ type: 'array', items: { type: 'string' }, description });
const branch = { type: 'string', enum: ['aware', 'agnostic', 'local'], description: 'Branch support: aware (default), agnostic or local.' };
const state = { type: 'string', enum: ['present', 'absent'], description: 'absent removes the item from the schema.' };
const allowOverride = { type: 'string', enum: ['none', 'any'], description: 'Whether a node may redefine this inherited item.' };

const parameters = {
  type: 'object',
  additionalProperties: false,
  description: 'Constraints specific to the attribute kind (the current Infrahub form of regex and the bounds).',
  properties: {
    regex: text('Regular expression every value must match.'),
    min_length: int('Minimum number of characters (Text) or items (List).'),
    max_length: int('Maximum number of characters (Text) or items (List).'),
    min_value: { type: 'number', description: 'Smallest allowed number.' },
    max_value: { type: 'number', description: 'Largest allowed number.' },
    excluded_values: text('Numbers that may not be used, e.g. "1,5-10".'),
    start_range: int('NumberPool: first number of the pool.'),
    end_range: int('NumberPool: last number of the pool.'),
    number_pool_id: text('NumberPool: the pool this attribute allocates from.'),
  },
};

const choice = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: text('The value stored.'),
    label: text('What people see.'),
    description: text('Shown as help.'),
    color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', description: 'An HTML colour such as "#00d25b".' },
  },
};

const attribute = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind'],
  properties: {
    name: text('Lower case letters, digits and _, 3 to 32 characters.'),
    kind: { type: 'string', enum: [...ATTRIBUTE_KINDS], description: 'The attribute type.' },
    label: text('Human friendly name.'),
    description: text('Short description.'),
    optional: bool('Mandatory unless true.'),
    unique: bool('No two objects of the kind may share the value.'),
    read_only: bool('Set by svc or generators, not by people.'),
    default_value: { description: 'Value used when none is given; must suit the kind, choices, enum, regex and bounds.' },
    enum: { type: 'array', items: { type: ['string', 'number'] }, description: 'Allowed values.' },
    choices: { type: 'array', items: choice, description: 'Dropdown choices.' },
    regex: text('Regular expression every value must match (older form of parameters.regex).'),
    min_length: int('Minimum length (older form of parameters.min_length).'),
    max_length: int('Maximum length (older form of parameters.max_length).'),
    min_value: { type: 'number', description: 'Smallest allowed number (svc also accepts it here).' },
    max_value: { type: 'number', description: 'Largest allowed number (svc also accepts it here).' },
    parameters,
    order_weight: int('Lower comes first in forms and tables.'),
    branch,
    state,
    deprecation: text('Marks the attribute deprecated, with this message.'),
    allow_override: allowOverride,
    computed_attribute: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: ['User', 'Jinja2', 'TransformPython'] },
        jinja2_template: text('Template that computes the value.'),
        transform: text('Python transform that computes the value.'),
      },
    },
  },
};

const relationship = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'peer'],
  properties: {
    name: text('Lower case letters, digits and _, 3 to 32 characters.'),
    peer: text('The kind on the other side.'),
    kind: { type: 'string', enum: [...RELATIONSHIP_KINDS], description: 'Generic (default), Attribute, Component, Parent, ...' },
    label: text('Human friendly name.'),
    description: text('Short description.'),
    identifier: text('Shared by both sides of one relationship; generated when absent.'),
    cardinality: { type: 'string', enum: ['one', 'many'], description: 'Default many.' },
    optional: bool('Default true.'),
    direction: { type: 'string', enum: ['bidirectional', 'outbound', 'inbound'], description: 'Default bidirectional.' },
    min_count: int('Fewest peers allowed.'),
    max_count: int('Most peers allowed (0: unbounded).'),
    on_delete: { type: 'string', enum: ['no-action', 'cascade'] },
    order_weight: int('Lower comes first in forms and tables.'),
    branch,
    read_only: bool('Set by svc or generators, not by people.'),
    state,
    common_parent: text('A Parent relationship of the peer that must share this object’s parent.'),
    common_relatives: strings('Relationships of the peer whose peers must be shared.'),
    allow_override: allowOverride,
    deprecation: text('Marks the relationship deprecated, with this message.'),
    hierarchical: text('The hierarchy (generic) this relationship belongs to.'),
  },
};

const kindCommon = {
  name: text('Starts with an upper case letter; letters and digits.'),
  namespace: text('Starts with an upper case letter, then lower case letters and digits.'),
  label: text('Human friendly name.'),
  description: text('Short description.'),
  icon: text('Icon name, e.g. mdi:server.'),
  menu_placement: text('The kind under which this one appears in the menu.'),
  include_in_menu: bool('Show this kind in the menu.'),
  branch,
  state,
  default_filter: text('Attribute path used to search (deprecated in Infrahub, use human_friendly_id).'),
  human_friendly_id: strings('Paths such as name__value or device__name__value that identify an object.'),
  display_label: text('A path or a Jinja2 template such as "{{ name__value }}".'),
  display_labels: strings('Paths that make up the display label (older form).'),
  order_by: strings('Paths to sort by.'),
  uniqueness_constraints: { type: 'array', items: { type: 'array', items: { type: 'string' } }, description: 'Sets of paths whose values are unique together.' },
  documentation: text('Link to documentation.'),
  inherit_from: strings('Generics this kind inherits attributes and relationships from.'),
  generate_profile: bool('Generate a profile kind.'),
  generate_template: bool('Generate an object template kind.'),
  attributes: { type: 'array', items: attribute },
  relationships: { type: 'array', items: relationship },
};

const node = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'namespace'],
  properties: {
    ...kindCommon,
    hierarchy: text('The hierarchical generic this node belongs to.'),
    parent: text('Kind of the parent in a hierarchy ("" for none).'),
    children: text('Kind of the children in a hierarchy ("" for none).'),
  },
};

const generic = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'namespace'],
  properties: {
    ...kindCommon,
    hierarchical: bool('Nodes inheriting this generic form a tree (parent / children).'),
    used_by: strings('Filled in by Infrahub; accepted and ignored.'),
    restricted_namespaces: strings('Namespaces allowed to inherit this generic.'),
  },
};

const extension = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: text('The existing kind to add to.'),
    attributes: { type: 'array', items: attribute },
    relationships: { type: 'array', items: relationship },
  },
};

export const schemaFileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://svc.dev/schema/schema-file.json',
  title: 'svc schema file (Infrahub dialect)',
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { type: 'string', description: 'Schema format version, "1.0".' },
    generics: { type: 'array', items: generic },
    nodes: { type: 'array', items: node },
    extensions: {
      type: 'object',
      additionalProperties: false,
      properties: { nodes: { type: 'array', items: extension } },
    },
  },
};
