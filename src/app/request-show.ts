import { currentBranch, listBranches, revParse } from '../adapters/git/read.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import { ABANDONED_PREFIX, branchOf, checkRequestId, refOf, REQUEST_PREFIX } from '../core/request/names.js';
import { didYouMean } from '../core/suggest.js';
import { diffInventory, type DiffOutcome } from './diff.js';
import { defaultBranchName, listRequests, requestSummary, type RequestSummary } from './request-list.js';
import { repoOf } from './revision-inventory.js';

/** One request: what `svc request list` says of it, and the semantic diff of its commit. */
export interface RequestDetail extends RequestSummary {
  /** Where the request's branch keeps it: its branch, or the ref its abandoned tip is kept under. */
  ref: string;
  /** The commit the request was made on (its commit's parent). */
  parent: string;
  diff: DiffOutcome;
}

/**
 * `svc request show <id>`: a request as a reviewer reads it, whatever its state. A request is one
 * commit on top of its base (create, modify, terminate and rebase all make it so), so its change
 * is that commit's diff against its parent: the same diff when it is open, merged or abandoned.
 */
export async function describeRequest(catalog: Catalog, named: string | undefined, opts: { all?: boolean } = {}): Promise<RequestDetail> {
  const { repo } = repoOf(catalog);
  const requestId = named ?? (await checkedOutRequest(repo));
  checkRequestId(requestId);
  const refs = [refOf(requestId), `${ABANDONED_PREFIX}${requestId}`];
  // An open branch wins over an abandoned tip of the same id.
  const found = (await listBranches(repo, refs)).filter((b) => refs.includes(b.ref)).sort((a, b) => refs.indexOf(a.ref) - refs.indexOf(b.ref))[0];
  if (!found) {
    const known = (await listRequests(catalog)).map((r) => r.requestId);
    throw new UsageError('request/unknown-request', `no request "${requestId}": no branch ${branchOf(requestId)} and none abandoned`, {
      hint: didYouMean(requestId, known) ?? '`svc request list` shows the requests',
    });
  }
  const parent = await revParse(repo, `${found.commit}^`);
  if (!parent) throw new UsageError('request/no-base', `${found.ref} has no parent commit: it was not made by svc request`);
  const summary = await requestSummary(repo, found, await defaultBranchName(catalog, repo));
  const diff = await diffInventory(catalog, { base: parent, head: found.ref.startsWith(ABANDONED_PREFIX) ? found.ref : found.name, all: Boolean(opts.all) });
  return { ...summary, ref: found.ref, parent, diff };
}

/** No id given: the request whose branch is checked out. */
async function checkedOutRequest(repo: string): Promise<string> {
  const branch = await currentBranch(repo);
  if (branch?.startsWith(REQUEST_PREFIX)) return branch.slice(REQUEST_PREFIX.length);
  throw new UsageError('request/which', `name the request to show: ${branch === null ? 'HEAD is detached' : `the checked-out branch ${branch} is not a request branch`}`, { hint: '`svc request list` shows the requests; or check out request/<id>' });
}
