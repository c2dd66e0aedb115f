// The cost of the write journal (src/adapters/txn/journal.ts) against what it replaced: 20,000
// inventory-sized files written as one transaction (stage in .svc/txn, journal, rename into place)
// and the old way (a temporary sibling per file, renamed), in the same process, alternating.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const FILES = 20_000;
const ROUNDS = 3;

export async function run(log) {
  const { commitFiles } = await import('../dist/adapters/txn/journal.js');
  const text = `${JSON.stringify({ id: '0123456789abcdef', name: 'sw01-par01', status: 'active', description: 'x'.repeat(200) }, null, 2)}\n`;
  const writes = Array.from({ length: FILES }, (_, i) => ({ path: `Kind${i % 20}/obj-${i}.json`, text }));
  const journal = [];
  const old = [];
  for (let r = 0; r < ROUNDS; r++) {
    {
      const root = mkdtempSync(join(tmpdir(), 'svc-txn-bench-'));
      const t = performance.now();
      commitFiles({ root, base: join(root, 'inventory'), pruneEmpty: true }, writes, []);
      journal.push(performance.now() - t);
      rmSync(root, { recursive: true, force: true });
    }
    {
      const root = mkdtempSync(join(tmpdir(), 'svc-txn-bench-'));
      const t = performance.now();
      const staged = [];
      for (const w of writes) {
        const final = join(root, 'inventory', w.path);
        const tmp = join(dirname(final), `.${w.path.split('/').pop()}.${process.pid}.tmp`);
        mkdirSync(dirname(final), { recursive: true });
        writeFileSync(tmp, w.text);
        staged.push([tmp, final]);
      }
      for (const [tmp, final] of staged) renameSync(tmp, final);
      old.push(performance.now() - t);
      rmSync(root, { recursive: true, force: true });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  log(`${FILES.toLocaleString('en-US')} files as one journaled transaction: ${(median(journal) / 1000).toFixed(2)} s (median of ${ROUNDS})`);
  log(`the same, temporary siblings renamed (before the journal): ${(median(old) / 1000).toFixed(2)} s; ratio ${(median(journal) / median(old)).toFixed(2)}x`);
}
