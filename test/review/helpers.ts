import { git, svc, tempRepo, writeTree, type FileTree } from '../helpers/repo.js';

/** A small catalog: devices with a dropdown, an enum, bounds, a unique code and many tags; racks. */
export const BASE_SCHEMA = `version: "1.0"
nodes:
  - name: Device
    namespace: Test
    human_friendly_id: [name__value]
    attributes:
      - name: name
        kind: Text
        unique: true
      - name: role
        kind: Dropdown
        choices:
          - name: core
          - name: edge
      - name: serial
        kind: Text
        optional: true
      - name: ports
        kind: Number
        optional: true
      - name: tier
        kind: Text
        enum: [gold, silver]
        optional: true
      - name: site_code
        kind: Text
        optional: true
      - name: note
        kind: Text
        optional: true
        description: free text
    relationships:
      - name: tags
        peer: TestTag
        kind: Generic
        cardinality: many
        optional: true
        identifier: device__tag
  - name: Tag
    namespace: Test
    human_friendly_id: [name__value]
    attributes:
      - name: name
        kind: Text
        unique: true
  - name: Rack
    namespace: Test
    human_friendly_id: [name__value]
    attributes:
      - name: name
        kind: Text
        unique: true
`;

const json = (o: Record<string, unknown>) => `${JSON.stringify(o, null, 2)}\n`;

export const OBJECTS: FileTree = {
  'inventory/TestDevice/d1.json': json({ id: '00000000000000d1', name: 'd1', role: 'edge', serial: 'SN-1', ports: 48, tier: 'gold', site_code: 'par', tags: ['a', 'b'] }),
  'inventory/TestDevice/d2.json': json({ id: '00000000000000d2', name: 'd2', role: 'core', ports: 24, site_code: 'par', tags: ['a'] }),
  'inventory/TestDevice/d3.json': json({ id: '00000000000000d3', name: 'd3', role: 'core', site_code: 'lys' }),
  'inventory/TestTag/a.json': json({ id: '00000000000000a1', name: 'a' }),
  'inventory/TestTag/b.json': json({ id: '00000000000000b1', name: 'b' }),
  'inventory/TestRack/r1.json': json({ id: '0000000000000001', name: 'r1' }),
};

/**
 * A repository whose `main` holds the base schema and the objects, checked out on branch `change`
 * where `edit` rewrote the schema (and `extra` files changed) in a second commit: a pull request.
 */
export function reviewRepo(edit: (schema: string) => string, extra: FileTree = {}): string {
  const repo = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/test.yml': BASE_SCHEMA, ...OBJECTS });
  git(repo, 'switch', '-q', '-c', 'change');
  const next = edit(BASE_SCHEMA);
  if (next === BASE_SCHEMA && !Object.keys(extra).length) throw new Error('the edit changed nothing');
  writeTree(repo, { 'schemas/test.yml': next, ...extra });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'schema change');
  return repo;
}

export interface ReviewJson {
  ok: boolean;
  base: string;
  baseCommit: string;
  schemaChanges: { kind: string; element: string; name?: string; change: string; property?: string; before?: unknown; after?: unknown; action: string; file?: string; line?: number }[];
  diagnostics: { severity: string; code: string; message: string; file?: string; line?: number; column?: number; hint?: string }[];
}

export function reviewJson(repo: string, base = 'main'): { code: number; json: ReviewJson; stderr: string } {
  const r = svc(repo, ['validate', '--base', base, '--format', 'json']);
  return { code: r.code, json: JSON.parse(r.stdout) as ReviewJson, stderr: r.stderr };
}

/** Replace exactly one occurrence, so a fixture edit that no longer matches fails loudly. */
export function swap(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i < 0 || text.indexOf(from, i + 1) >= 0) throw new Error(`fixture edit: "${from}" must occur exactly once`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

/** The line (1-based) of the first occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}
