import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTexts } from '../../src/adapters/read-many.js';
import { tempDir } from '../helpers/repo.js';

/** `n` files in a fresh folder, each holding its own number; returns their paths in order. */
function manyFiles(n: number): string[] {
  const dir = tempDir('svc-read-many-');
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `d${i % 7}`);
    if (i < 7) mkdirSync(sub);
    const p = join(sub, `f${i}.json`);
    writeFileSync(p, `{"n": ${i}, "text": "ü${'x'.repeat(i % 50)}"}\n`);
    paths.push(p);
  }
  return paths;
}

describe('reading many files on two threads', () => {
  it('gives every text in the order asked, as reading them one by one does', () => {
    const paths = manyFiles(3000);
    const both = readTexts(paths, { minForWorker: 1 });
    expect(both).toHaveLength(3000);
    expect(both).toEqual(readTexts(paths, { minForWorker: Infinity }));
    expect(readTexts(paths, { minForWorker: 1, workerOnly: true })).toEqual(both);
    expect(both[2999]).toBe(`{"n": 2999, "text": "ü${'x'.repeat(2999 % 50)}"}\n`);
    // The same paths again, reversed: order follows the request, not the disk.
    expect(readTexts([...paths].reverse(), { minForWorker: 1 })).toEqual([...both].reverse());
  });

  it('throws what reading throws for a missing file, wherever it falls', () => {
    const paths = manyFiles(2000);
    for (const at of [0, 700, 1999]) {
      const asked = [...paths];
      asked[at] = join(paths[0]!, '..', 'gone.json');
      expect(() => readTexts(asked, { minForWorker: 1 })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => readTexts(asked, { minForWorker: 1, workerOnly: true })).toThrow(expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining('gone.json') }));
    }
  });

  it('throws for an unreadable file too (a folder where a file was listed)', () => {
    const paths = manyFiles(1000);
    const asked = [...paths, join(paths[0]!, '..')];
    expect(() => readTexts(asked, { minForWorker: 1 })).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(() => readTexts(asked, { minForWorker: 1, workerOnly: true })).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
