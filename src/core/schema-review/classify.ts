import type { ChangeAction, ElementType } from './model.js';

/**
 * How Infrahub classes an update of each schema property (docs.infrahub.app, reference/schema/
 * validator-migration), and of adding or removing an element (its migrations: node.remove,
 * node.attribute.add, node.attribute.remove, node.relationship.remove). Properties svc resolves
 * but Infrahub's tables do not list are cosmetic and allowed.
 */
const NODE: Record<string, ChangeAction> = {
  description: 'allowed',
  label: 'allowed',
  branch: 'not_supported',
  default_filter: 'allowed',
  human_friendly_id: 'allowed',
  display_labels: 'allowed',
  include_in_menu: 'allowed',
  menu_placement: 'allowed',
  icon: 'allowed',
  order_by: 'allowed',
  uniqueness_constraints: 'validate_constraint',
  documentation: 'allowed',
  inherit_from: 'validate_constraint',
  hierarchy: 'validate_constraint',
  parent: 'validate_constraint',
  children: 'validate_constraint',
  hierarchical: 'validate_constraint',
};

const ATTRIBUTE: Record<string, ChangeAction> = {
  kind: 'migration_required',
  enum: 'validate_constraint',
  choices: 'validate_constraint',
  regex: 'validate_constraint',
  max_length: 'validate_constraint',
  min_length: 'validate_constraint',
  // Infrahub keeps number bounds under `parameters`, which it validates against the data.
  min_value: 'validate_constraint',
  max_value: 'validate_constraint',
  label: 'allowed',
  description: 'allowed',
  read_only: 'migration_required',
  unique: 'validate_constraint',
  optional: 'migration_required',
  branch: 'not_supported',
  order_weight: 'allowed',
  default_value: 'allowed',
};

const RELATIONSHIP: Record<string, ChangeAction> = {
  peer: 'validate_constraint',
  kind: 'allowed',
  label: 'allowed',
  description: 'allowed',
  identifier: 'allowed',
  cardinality: 'validate_constraint',
  min_count: 'validate_constraint',
  max_count: 'validate_constraint',
  order_weight: 'allowed',
  optional: 'validate_constraint',
  branch: 'not_supported',
  direction: 'not_supported',
  on_delete: 'allowed',
  read_only: 'allowed',
};

export const NODE_PROPERTIES = Object.keys(NODE);
export const ATTRIBUTE_PROPERTIES = Object.keys(ATTRIBUTE);
export const RELATIONSHIP_PROPERTIES = Object.keys(RELATIONSHIP);

export function updateAction(element: ElementType, property: string): ChangeAction {
  const table = element === 'attribute' ? ATTRIBUTE : element === 'relationship' ? RELATIONSHIP : NODE;
  return table[property] ?? 'allowed';
}

export function addRemoveAction(element: ElementType, change: 'added' | 'removed'): ChangeAction {
  if (element === 'attribute') return 'migration_required';
  if (change === 'added') return 'allowed';
  return 'migration_required';
}
