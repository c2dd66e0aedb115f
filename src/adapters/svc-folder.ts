import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refuseLinkedSvcFolder, SWEPT } from './svc-dir.js';
import { processAlive, processStillRuns } from './process.js';
import { recoverTransactions } from './txn/journal.js';

export { ensureSvcFolder, refuseLinkedSvcFolder } from './svc-dir.js';


/**
 * What every command does first with its catalog: refuse a linked `.svc`, finish or drop the file
 * transactions of killed svc processes (./txn/journal.ts), and delete the temporary files killed
 * processes left: `*.<pid>.tmp` in `.svc`, and in the inventory (once per catalog: svc no longer
 * writes them there) older versions' `.<name>.json.<pid>.tmp`.
 */
export function settleCatalog(root: string, inventoryDir: string): void {
  const svc = join(root, '.svc');
  if (!settleSvcFolder(root)) return;
  sweepTemps(svc, 2);
  if (!existsSync(join(svc, SWEPT))) {
    sweepTemps(inventoryDir, Infinity);
    try {
      writeFileSync(join(svc, SWEPT), '');
    } catch {
      /* a read-only .svc: the sweep runs again next time */
    }
  }
}

let changedWorkTree = false;

/**
 * Whether this process finished or undid a killed command's change: a git status started before
 * that (cli/early-status.ts) no longer describes the work tree, and must not be used.
 */
export function settledChanges(): boolean {
  return changedWorkTree;
}

/** The staging folder of `svc init` into an existing folder: `.svc/init-<pid>-<start>` (src/app/init.ts). */
export const INIT_STAGE = 'init-';

/**
 * Finish or undo killed svc processes' transactions in `root/.svc` and remove their init staging
 * folders. False when there is no .svc. Also for a folder not yet a catalog: an init killed after
 * its commit point is finished by the next command run there.
 */
export function settleSvcFolder(root: string): boolean {
  const svc = join(root, '.svc');
  refuseLinkedSvcFolder(svc);
  if (!existsSync(svc)) return false;
  const done = recoverTransactions(root);
  if (done.forward + done.back > 0) changedWorkTree = true;
  for (const name of readdirSync(svc)) {
    const m = new RegExp(`^${INIT_STAGE}(\\d+)-(\\d*)$`).exec(name);
    if (m && !processStillRuns(Number(m[1]), m[2]!)) rmSync(join(svc, name), { recursive: true, force: true });
  }
  return true;
}

const TEMP = /^\.?.+\.(\d+)\.tmp$/;

function sweepTemps(dir: string, depth: number): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth > 1 && e.name !== 'txn' && !e.name.startsWith('.') && e.name !== 'node_modules') sweepTemps(p, depth - 1);
      continue;
    }
    const m = TEMP.exec(e.name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(p, { force: true });
  }
}

