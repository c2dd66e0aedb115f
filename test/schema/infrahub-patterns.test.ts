import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

/**
 * Schemas Infrahub accepts: each loads, with exactly the warnings its `# expect: <code> <line>:<col>`
 * comments name (svc's stricter reading) and no error.
 */
const dir = join(PROJECT_ROOT, 'test/fixtures/schema/infrahub');

describe('schemas Infrahub accepts load', () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yml')).sort()) {
    it(f, () => {
      const text = readFileSync(join(dir, f), 'utf8');
      const expected = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map((m) => `warning ${m[1]} ${m[2]}:${m[3]}`);
      const load = loadSchemaPaths([join(dir, f)], nodeFileHost, dir);
      expect(load.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)).toEqual(expected);
      expect(load.schema).toBeDefined();
    });
  }

  it('state: absent in an extension removes the member the kind declares', () => {
    const load = loadSchemaPaths([join(dir, 'extension-state-absent.yml')], nodeFileHost, dir);
    const session = load.schema!.get('RoutingSession')!;
    expect(session.attributes.map((a) => a.name)).not.toContain('import_policy');
    expect(session.relationships.map((r) => r.name)).toContain('import_policies');
  });
});
