import { TRAILER } from '../../core/request/names.js';
import { defaultBranch } from './read.js';
import { gitRaw } from './run.js';

const ERE_SPECIAL = /[.*+?^${}()|[\]\\]/g;
/** Ids per git call: each is a --grep on the command line. */
const CHUNK = 100;

/**
 * Which of `holders` (request branches, `request/<id>`) are requests merged into `into` (the default
 * branch when absent). Found by the Svc-Request trailer in the branch's history, so a branch deleted
 * after its merge still counts, and a squash merge too. One `git log` per hundred holders.
 */
export async function mergedRequests(repo: string, holders: Iterable<string>, into?: string): Promise<string[]> {
  const ids = [...new Set(holders)].filter((h) => h.startsWith('request/')).map((h) => h.slice('request/'.length)).sort();
  if (!ids.length) return [];
  const target = into ?? (await defaultBranch(repo))?.ref;
  if (!target) return [];
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const greps = ids.slice(i, i + CHUNK).map((id) => `--grep=^${TRAILER.request}: ${id.replace(ERE_SPECIAL, '\\$&')}$`);
    const r = await gitRaw(repo, ['log', target, '-E', ...greps, '--format=%B%x00']);
    if (r.code !== 0) return [];
    for (const line of r.stdout.toString('utf8').split('\n')) {
      if (line.startsWith(`${TRAILER.request}: `)) found.add(line.slice(TRAILER.request.length + 2).replace(/\0$/, '').trim());
    }
  }
  return ids.filter((id) => found.has(id)).map((id) => `request/${id}`);
}
