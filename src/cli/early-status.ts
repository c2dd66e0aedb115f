import { resolve } from 'node:path';
import { nodeFileHost } from '../adapters/fs.js';
import { startStatus, type PendingStatus, type StatusAnswer } from '../adapters/index/gitstate.js';
import { indexPath, peekStatus } from '../adapters/index/peek.js';
import { findCatalogRoot } from '../core/catalog/root.js';

/**
 * git status started as svc starts, for the commands that only read the inventory. A refresh asks
 * git status, which stats every file of the work tree: on a 100,000-object inventory that is most of
 * `svc list`'s time, and svc spends as long again loading its modules before it gets to ask. Asked
 * first, git runs while svc loads.
 *
 * Only `list` and `show`: they change nothing in the work tree or git's index before they open the
 * inventory, so an answer taken at their start is the answer the refresh would get. The arguments
 * are read here before commander parses them, so a guess that turns out wrong (another catalog,
 * another scope, an index that gets rebuilt) only means the answer goes unused.
 */
const READERS = new Set(['list', 'show']);

export interface EarlyStatus {
  /** The catalog root git status was asked in. */
  root: string;
  pending: PendingStatus;
}

/**
 * The subcommand and the global `-C` folder of an invocation of a reader; undefined for anything
 * else (another command, help, version, an option before the subcommand other than -C).
 */
export function readerInvocation(args: readonly string[]): { command: string; dir: string | undefined } | undefined {
  let command: string | undefined;
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '-C') dir = args[++i];
    else if (a.startsWith('-C')) dir = a.slice(2);
    else if (a === '-h' || a === '--help') return undefined;
    else if (command === undefined) {
      if (a.startsWith('-')) return undefined;
      command = a;
    }
  }
  return command !== undefined && READERS.has(command) ? { command, dir } : undefined;
}

/** Starts git status for a reader run from `cwd` on a catalog with a complete index; else undefined. */
export function startEarlyStatus(args: readonly string[], cwd: string): EarlyStatus | undefined {
  const run = readerInvocation(args);
  if (!run) return undefined;
  const root = findCatalogRoot(resolve(cwd, run.dir ?? '.'), nodeFileHost);
  if (root === undefined) return undefined;
  const recorded = peekStatus(indexPath(root));
  if (!recorded) return undefined;
  return { root, pending: startStatus(root, recorded.scope, recorded.inventory) };
}

/** The early answer when it was asked for the catalog at `root`; undefined otherwise. */
export async function earlyAnswer(early: EarlyStatus | undefined, root: string): Promise<StatusAnswer | undefined> {
  if (!early || early.root !== root) return undefined;
  return early.pending.answer;
}
