import { describe, expect, it } from 'vitest';
import { addRemoveAction, updateAction } from '../../src/core/schema-review/classify.js';

// Rows of Infrahub's schema update reference (docs.infrahub.app/reference/schema/validator-migration)
// and its migrations list: the classes `svc validate --base` reports.
const rows: [Parameters<typeof updateAction>[0], string, string][] = [
  ['node', 'description', 'allowed'],
  ['node', 'branch', 'not_supported'],
  ['node', 'uniqueness_constraints', 'validate_constraint'],
  ['node', 'inherit_from', 'validate_constraint'],
  ['generic', 'hierarchical', 'validate_constraint'],
  ['attribute', 'kind', 'migration_required'],
  ['attribute', 'optional', 'migration_required'],
  ['attribute', 'read_only', 'migration_required'],
  ['attribute', 'choices', 'validate_constraint'],
  ['attribute', 'enum', 'validate_constraint'],
  ['attribute', 'regex', 'validate_constraint'],
  ['attribute', 'unique', 'validate_constraint'],
  ['attribute', 'default_value', 'allowed'],
  ['attribute', 'branch', 'not_supported'],
  ['relationship', 'cardinality', 'validate_constraint'],
  ['relationship', 'peer', 'validate_constraint'],
  ['relationship', 'optional', 'validate_constraint'],
  ['relationship', 'direction', 'not_supported'],
  ['relationship', 'identifier', 'allowed'],
  ['relationship', 'on_delete', 'allowed'],
];

describe('schema change classes', () => {
  it.each(rows)('%s %s: %s', (element, property, action) => {
    expect(updateAction(element, property)).toBe(action);
  });

  it('adding and removing elements', () => {
    expect(addRemoveAction('node', 'added')).toBe('allowed');
    expect(addRemoveAction('node', 'removed')).toBe('migration_required');
    expect(addRemoveAction('attribute', 'added')).toBe('migration_required');
    expect(addRemoveAction('attribute', 'removed')).toBe('migration_required');
    expect(addRemoveAction('relationship', 'added')).toBe('allowed');
    expect(addRemoveAction('relationship', 'removed')).toBe('migration_required');
  });
});
