import { resolve } from 'node:path';
import { nodeFileHost } from '../adapters/fs.js';
import { startStatus, type PendingStatus, type StatusAnswer } from '../adapters/index/gitstate.js';
import { indexPath, peekStatus } from '../adapters/index/peek.js';
import { findCatalogRoot } from '../core/catalog/root.js';

/**
 * git status started as svc starts, for the commands whose first act on the inventory is to read
 * it. A refresh asks git status, which stats every file of the work tree: on a 100,000-object
 * inventory that is most of `svc list`'s time, and svc spends as long again loading its modules
 * before it gets to ask. Asked first, git runs while svc loads.
 *
 * Only `list`, `show` and `generate`: none changes anything in the work tree or git's index before
 * its first refresh (generate writes object files after it, and refreshes no more), so an answer
 * taken at their start is the answer that refresh would get. The arguments are read here before
 * commander parses them, so a guess that turns out wrong (another catalog, another scope, an index
 * that gets rebuilt) only means the answer goes unused.
 */
const EARLY = new Set(['list', 'show', 'generate']);

export interface EarlyStatus {
  /** The catalog root git status was asked in. */
  root: string;
  pending: PendingStatus;
}

/**
 * The subcommand and the global `-C` folder of an invocation of one of those commands; undefined for
 * anything else (another command, help, version, an option before the subcommand other than -C).
 */
export function earlyInvocation(args: readonly string[]): { command: string; dir: string | undefined } | undefined {
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
  return command !== undefined && EARLY.has(command) ? { command, dir } : undefined;
}

/** Starts git status for such a command run from `cwd` on a catalog with a complete index; else undefined. */
export function startEarlyStatus(args: readonly string[], cwd: string): EarlyStatus | undefined {
  const run = earlyInvocation(args);
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
