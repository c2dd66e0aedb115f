import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc, tempDir, tempRepo, writeTree } from '../helpers/repo.js';
import { BASE_SCHEMA, lineOf, OBJECTS, reviewJson, reviewRepo, swap } from './helpers.js';

const codes = (j: { diagnostics: { code: string }[] }) => j.diagnostics.map((d) => d.code).filter((c) => c.startsWith('review/'));

describe('svc validate --base: each change classed as Infrahub does', () => {
  it('passes with no changes and says so', () => {
    const repo = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA, ...OBJECTS });
    const text = svc(repo, ['validate', '--base', 'main']);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('schema changes since main: none');
    const { json } = reviewJson(repo);
    expect(json.ok).toBe(true);
    expect(json.schemaChanges).toEqual([]);
    expect(json.baseCommit).toBe(git(repo, 'rev-parse', 'main').trim());
  });

  it('allowed: a description changes', () => {
    const repo = reviewRepo((s) => swap(s, 'description: free text', 'description: anything at all'));
    const { code, json } = reviewJson(repo);
    expect(code).toBe(0);
    expect(json.schemaChanges).toEqual([
      expect.objectContaining({ kind: 'TestDevice', element: 'attribute', name: 'note', change: 'updated', property: 'description', before: 'free text', after: 'anything at all', action: 'allowed', file: 'schemas/test.yml' }),
    ]);
  });

  it('needs migration: an optional attribute and a new kind are added, the text output says how each is classed', () => {
    const repo = reviewRepo((s) => `${swap(s, '      - name: note\n', '      - name: asset_tag\n        kind: Text\n        optional: true\n      - name: note\n')}  - name: Row\n    namespace: Test\n    attributes:\n      - name: name\n        kind: Text\n`);
    const { code, json } = reviewJson(repo);
    expect(code).toBe(0);
    expect(json.schemaChanges.map((c) => [c.kind, c.name ?? null, c.change, c.action])).toEqual([
      ['TestDevice', 'asset_tag', 'added', 'migration_required'],
      ['TestRow', null, 'added', 'allowed'],
    ]);
    const text = svc(repo, ['validate', '--base', 'main']);
    expect(text.stdout).toContain('needs migration: attribute TestDevice.asset_tag added  schemas/test.yml:');
    expect(text.stdout).toContain('allowed: node TestRow added');
  });

  it('validated against data: a regex the data satisfies passes', () => {
    const repo = reviewRepo((s) => swap(s, '      - name: serial\n        kind: Text\n', '      - name: serial\n        kind: Text\n        regex: "^SN-[0-9]+$"\n'));
    const { code, json } = reviewJson(repo);
    expect(code).toBe(0);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'serial', property: 'regex', after: '^SN-[0-9]+$', action: 'validate_constraint' })]);
  });

  it('not supported: changing an attribute\'s branch support fails at the schema line', () => {
    const next = swap(BASE_SCHEMA, '        description: free text\n', '        description: free text\n        branch: agnostic\n');
    const repo = reviewRepo(() => next);
    const { code, json } = reviewJson(repo);
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'note', property: 'branch', action: 'not_supported' })]);
    const d = json.diagnostics.find((x) => x.code === 'review/not-supported')!;
    expect(d).toMatchObject({ severity: 'error', file: 'schemas/test.yml', line: lineOf(next, '- name: note') });
    expect(d.message).toContain('Infrahub does not support changing branch');
  });
});

describe('svc validate --base: existing inventory the new schema breaks', () => {
  it('a new mandatory attribute without default while objects exist', () => {
    const next = swap(BASE_SCHEMA, '      - name: note\n', '      - name: owner\n        kind: Text\n      - name: note\n');
    const { code, json } = reviewJson(reviewRepo(() => next));
    expect(code).toBe(1);
    const d = json.diagnostics.find((x) => x.code === 'review/missing-mandatory-value')!;
    expect(d).toMatchObject({ file: 'schemas/test.yml', line: lineOf(next, '- name: owner') });
    expect(d.message).toContain('TestDevice.owner is a new mandatory attribute without default_value');
    expect(d.message).toContain('3 objects (inventory/TestDevice/d1.json, inventory/TestDevice/d2.json, inventory/TestDevice/d3.json)');
  });

  it('with a default_value Infrahub migrates, but svc says the files must hold it', () => {
    const next = swap(BASE_SCHEMA, '      - name: note\n', '      - name: owner\n        kind: Text\n        default_value: noc\n      - name: note\n');
    const { code, json } = reviewJson(reviewRepo(() => next));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'owner', change: 'added', action: 'migration_required' })]);
    expect(codes(json)).toEqual(['review/default-not-written']);
    expect(json.diagnostics.find((x) => x.code === 'review/default-not-written')!.hint).toContain('write "noc" into those objects');
  });

  it('an optional attribute made mandatory while objects lack it', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '      - name: serial\n        kind: Text\n        optional: true\n', '      - name: serial\n        kind: Text\n')));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'serial', property: 'optional', before: true, after: false, action: 'migration_required' })]);
    const d = json.diagnostics.find((x) => x.code === 'review/missing-mandatory-value')!;
    expect(d.message).toContain('2 objects (inventory/TestDevice/d2.json, inventory/TestDevice/d3.json)');
  });

  it('narrowed choices with data outside them', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '          - name: edge\n', '')));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'role', property: 'choices', action: 'validate_constraint' })]);
    const d = json.diagnostics.find((x) => x.code === 'review/value-outside-choices')!;
    expect(d.message).toContain('1 object (inventory/TestDevice/d1.json)');
  });

  it('a narrowed enum with data outside it', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, 'enum: [gold, silver]', 'enum: [silver]')));
    expect(code).toBe(1);
    expect(json.diagnostics.find((x) => x.code === 'review/value-outside-enum')!.message).toContain('inventory/TestDevice/d1.json');
  });

  it('a removed attribute still holding values', () => {
    const next = swap(BASE_SCHEMA, '      - name: serial\n        kind: Text\n        optional: true\n', '');
    const { code, json } = reviewJson(reviewRepo(() => next));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'serial', change: 'removed', action: 'migration_required' })]);
    const d = json.diagnostics.find((x) => x.code === 'review/removed-attribute-has-values')!;
    // The attribute is gone from the new file: the finding points at its kind there.
    expect(d).toMatchObject({ file: 'schemas/test.yml', line: lineOf(next, '- name: Device') });
    expect(d.message).toContain('1 object (inventory/TestDevice/d1.json)');
  });

  it('a removed attribute nobody used is only a migration', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '      - name: note\n        kind: Text\n        optional: true\n        description: free text\n', '')));
    expect(codes(json)).toEqual([]);
    expect(code).toBe(0);
  });

  it('a removed kind with objects, named at the base revision', () => {
    const { code, json } = reviewJson(reviewRepo((s) => s.slice(0, s.indexOf('  - name: Rack'))));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ kind: 'TestRack', element: 'node', change: 'removed', action: 'migration_required', atBase: true })]);
    const d = json.diagnostics.find((x) => x.code === 'review/removed-kind-has-objects')!;
    expect(d.message).toContain('(as it was in main)');
    expect(d.message).toContain('1 object (inventory/TestRack/r1.json)');
  });

  it('a tightened regex the data breaks', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '      - name: serial\n        kind: Text\n', '      - name: serial\n        kind: Text\n        regex: "^[0-9]+$"\n')));
    expect(code).toBe(1);
    expect(json.diagnostics.find((x) => x.code === 'review/value-breaks-regex')!.message).toContain('inventory/TestDevice/d1.json');
  });

  it('a tightened bound the data breaks', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '      - name: ports\n        kind: Number\n', '      - name: ports\n        kind: Number\n        max_value: 32\n')));
    expect(code).toBe(1);
    const d = json.diagnostics.find((x) => x.code === 'review/value-breaks-bound')!;
    expect(d.message).toContain('max_value (32)');
    expect(d.message).toContain('1 object (inventory/TestDevice/d1.json)');
  });

  it('a relationship turned from many to one while an object holds several peers', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '        cardinality: many\n', '        cardinality: one\n')));
    expect(code).toBe(1);
    // max_count follows the cardinality (one allows at most one peer): Infrahub validates both.
    expect(json.schemaChanges).toEqual([
      expect.objectContaining({ element: 'relationship', name: 'tags', property: 'cardinality', before: 'many', after: 'one', action: 'validate_constraint' }),
      expect.objectContaining({ element: 'relationship', name: 'tags', property: 'max_count', before: 0, after: 1, action: 'validate_constraint' }),
    ]);
    expect(json.diagnostics.find((x) => x.code === 'review/several-peers')!.message).toContain('1 object (inventory/TestDevice/d1.json)');
  });

  it('unique added while objects share a value', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '      - name: site_code\n        kind: Text\n', '      - name: site_code\n        kind: Text\n        unique: true\n')));
    expect(code).toBe(1);
    expect(json.diagnostics.find((x) => x.code === 'review/duplicate-values')!.message).toContain('2 objects (inventory/TestDevice/d1.json, inventory/TestDevice/d2.json)');
  });

  it('an attribute kind changed while values do not fit the new kind', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '      - name: ports\n        kind: Number\n', '      - name: ports\n        kind: Text\n')));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'ports', property: 'kind', before: 'Number', after: 'Text', action: 'migration_required' })]);
    expect(json.diagnostics.find((x) => x.code === 'review/value-wrong-type')!.message).toContain('2 objects (inventory/TestDevice/d1.json, inventory/TestDevice/d2.json)');
  });

  it('a new mandatory relationship while objects have no peer', () => {
    const next = swap(BASE_SCHEMA, '    relationships:\n', '    relationships:\n      - name: rack\n        peer: TestRack\n        kind: Attribute\n        cardinality: one\n        optional: false\n        identifier: device__rack\n');
    const { code, json } = reviewJson(reviewRepo(() => next));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ element: 'relationship', name: 'rack', change: 'added', action: 'allowed' })]);
    const d = json.diagnostics.find((x) => x.code === 'review/missing-mandatory-relationship')!;
    expect(d).toMatchObject({ line: lineOf(next, '- name: rack') });
    expect(d.message).toContain('3 objects');
  });

  it('a removed relationship whose objects still name peers', () => {
    const { code, json } = reviewJson(reviewRepo((s) => swap(s, '    relationships:\n      - name: tags\n        peer: TestTag\n        kind: Generic\n        cardinality: many\n        optional: true\n        identifier: device__tag\n', '')));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ element: 'relationship', name: 'tags', change: 'removed', action: 'migration_required' })]);
    expect(json.diagnostics.find((x) => x.code === 'review/removed-relationship-has-peers')!.message).toContain('2 objects (inventory/TestDevice/d1.json, inventory/TestDevice/d2.json)');
  });

  it('a change that fixes the data in the same pull request passes', () => {
    const fixed = JSON.parse(OBJECTS['inventory/TestDevice/d1.json']!) as Record<string, unknown>;
    fixed.role = 'core';
    const repo = reviewRepo((s) => swap(s, '          - name: edge\n', ''), { 'inventory/TestDevice/d1.json': `${JSON.stringify(fixed, null, 2)}\n` });
    const { code, json } = reviewJson(repo);
    expect(codes(json)).toEqual([]);
    expect(code).toBe(0);
  });

  it('--format github annotates the schema line', () => {
    const next = swap(BASE_SCHEMA, '          - name: edge\n', '');
    const r = svc(reviewRepo(() => next), ['validate', '--base', 'main', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error file=schemas/test.yml,line=${lineOf(next, '- name: role')},col=`);
    expect(r.stdout).toContain('title=review/value-outside-choices::');
  });

  it('reads the base from git, not the work tree: uncommitted schema edits count as the new side', () => {
    const repo = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA, ...OBJECTS });
    writeTree(repo, { 'schemas/test.yml': swap(BASE_SCHEMA, '          - name: edge\n', '') });
    const { code, json } = reviewJson(repo, 'HEAD');
    expect(code).toBe(1);
    expect(codes(json)).toContain('review/value-outside-choices');
    expect(git(repo, 'status', '--porcelain')).toBe(' M schemas/test.yml\n');
  });
});

describe('svc validate --base: where the catalog is', () => {
  it('a catalog in a subfolder of its repository reads the base under that folder', () => {
    const files = Object.fromEntries(Object.entries({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA, ...OBJECTS }).map(([k, v]) => [`net/${k}`, v]));
    const repo = tempRepo({ 'README.md': 'monorepo\n', ...files });
    writeTree(repo, { 'net/schemas/test.yml': swap(BASE_SCHEMA, 'enum: [gold, silver]', 'enum: [silver]') });
    const { code, json } = reviewJson(join(repo, 'net'));
    expect(code).toBe(1);
    expect(json.schemaChanges).toEqual([expect.objectContaining({ name: 'tier', property: 'enum', before: ['gold', 'silver'], after: ['silver'], file: 'schemas/test.yml' })]);
    expect(json.diagnostics.find((x) => x.code === 'review/value-outside-enum')!.message).toContain('inventory/TestDevice/d1.json');
  });
});

describe('svc validate --base: refusals', () => {
  it('an unknown ref is a usage error (exit 2) and changes nothing', () => {
    const repo = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA, ...OBJECTS });
    const before = git(repo, 'status', '--porcelain', '--untracked-files=all');
    const r = svc(repo, ['validate', '--base', 'origin/nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[review/unknown-ref]: --base origin/nope: no such revision');
    expect(r.stderr).toContain('fetch-depth: 0');
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe(before);
    expect(readFileSync(join(repo, 'schemas/test.yml'), 'utf8')).toBe(BASE_SCHEMA);
  });

  it('outside a git repository --base is a usage error', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA });
    const r = svc(dir, ['validate', '--base', 'main']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[review/not-a-repository]');
  });

  it('a base whose catalog has errors is warned about, and the work tree is still validated', () => {
    const repo = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': 'version: "1.0"\nnodes:\n  - name: Broken\n    namespace: Test\n    attributes:\n      - name: x\n        kind: NoSuchKind\n' });
    writeTree(repo, { 'schemas/test.yml': BASE_SCHEMA, ...OBJECTS });
    const { code, json } = reviewJson(repo);
    expect(code).toBe(0);
    expect(json.schemaChanges).toEqual([]);
    expect(json.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'review/base-invalid' })]);
  });

  it('a base without a catalog: every kind is new', () => {
    const repo = tempRepo({ 'README.md': 'nothing yet\n' });
    writeTree(repo, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA });
    const { code, json } = reviewJson(repo);
    expect(code).toBe(0);
    expect(json.schemaChanges.map((c) => `${c.kind} ${c.change} ${c.action}`)).toEqual(['TestDevice added allowed', 'TestTag added allowed', 'TestRack added allowed']);
  });
});
