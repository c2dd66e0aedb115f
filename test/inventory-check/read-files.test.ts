import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { checkInventory } from '../../src/core/inventory-check/check.js';
import { readObjectFiles } from '../../src/core/inventory-check/read-files.js';
import { tempDir, writeTree } from '../helpers/repo.js';
import { fixtureSchema } from '../load/helpers.js';
import { fixtureInventory } from './helpers.js';

const schema = fixtureSchema();

describe('the object files svc validate reads', () => {
  it('is skipped when the catalog has no inventory folder', () => {
    const root = tempDir();
    expect(readObjectFiles({ root, inventory: join(root, 'inventory') }, nodeFileHost)).toBeUndefined();
  });

  it('reads the object files of the work tree and names them from the catalog root', () => {
    const root = tempDir();
    const files: Record<string, string> = {};
    for (const [path, text] of fixtureInventory(schema)) files[`data/inv/${path}`] = text;
    files['data/inv/BuiltinTag/blue.json'] = files['data/inv/BuiltinTag/blue.json']!.replace('"name": "blue"', '"name": 7');
    writeTree(root, files);
    const read = readObjectFiles({ root, inventory: join(root, 'data/inv') }, nodeFileHost)!;
    expect(read.find((f) => f.path === 'BuiltinTag/blue.json')?.file).toBe('data/inv/BuiltinTag/blue.json');
    const r = checkInventory(schema, read);
    expect(r.objects).toBe(Object.keys(files).length);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['inventory/wrong-type', 'data/inv/BuiltinTag/blue.json', 3],
      ['inventory/dangling-reference', 'data/inv/NetworkDevice/ams1-core1.json', 7],
      ['inventory/dangling-reference', 'data/inv/NetworkDevice/ams1-core2.json', 7],
    ]);
  });
});
