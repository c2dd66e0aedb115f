import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

/**
 * One fixture per diagnostic: each file names what it must produce in `# expect: <code> <line>:<col>`
 * comments, and must produce exactly that (no follow-on noise).
 */
const dir = join(PROJECT_ROOT, 'test/fixtures/schema/diagnostics');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();

describe('one fixture per diagnostic', () => {
  it('covers every code the schema checks emit', () => {
    const sources = ['structure.ts', ...readdirSync(join(PROJECT_ROOT, 'src/core/schema/rules')).map((f) => `rules/${f}`)];
    const emitted = new Set(['schema/unknown-key', 'schema/missing-key', 'schema/invalid-value', 'schema/wrong-type', 'yaml/syntax']);
    for (const s of sources) for (const m of readFileSync(join(PROJECT_ROOT, 'src/core/schema', s), 'utf8').matchAll(/'(schema\/[a-z-]+)'/g)) emitted.add(m[1]!);
    const covered = new Set(fixtures.flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^# expect: (\S+)/gm)].map((m) => m[1]!)));
    expect([...emitted].filter((c) => !covered.has(c)).sort()).toEqual([]);
  });

  for (const f of fixtures) {
    it(f, () => {
      const text = readFileSync(join(dir, f), 'utf8');
      const expected = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);
      expect(expected.length).toBeGreaterThan(0);
      const load = loadSchemaPaths([join(dir, f)], nodeFileHost, dir);
      const got = load.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`);
      expect(got).toEqual(expected);
      for (const d of load.diagnostics) {
        expect(d.file).toBe(f);
        expect(d.message.length).toBeGreaterThan(10);
        if (!d.code.startsWith('yaml/') && d.code !== 'schema/wrong-type') expect(d.hint, d.code).toBeTruthy();
      }
      // Warnings alone leave a usable schema; any error withholds it.
      expect(load.schema === undefined).toBe(load.diagnostics.some((d) => d.severity === 'error'));
    });
  }
});
