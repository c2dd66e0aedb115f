import { defaultBranch, isMerged, listBranches, trailerValue, type BranchInfo } from '../adapters/git/read.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { ABANDONED_PREFIX, REQUEST_PREFIX, TRAILER } from '../core/request/names.js';
import { repoOf } from './revision-inventory.js';

/** What `svc request list` shows of each request: its trailers, its state and its tip. */
export interface RequestSummary {
  requestId: string;
  branch: string;
  subscription: string;
  product: string;
  customer: string;
  action: string;
  state: 'open' | 'merged' | 'abandoned';
  commit: string;
}

/** Every request branch (and abandoned request), with its trailers and whether it is merged. */
export async function listRequests(catalog: Catalog): Promise<RequestSummary[]> {
  const { repo } = repoOf(catalog);
  const d = await defaultBranchName(catalog, repo);
  const out: RequestSummary[] = [];
  for (const b of await listBranches(repo, [`refs/heads/${REQUEST_PREFIX}`, ABANDONED_PREFIX])) out.push(await requestSummary(repo, b, d));
  return out.sort((a, b) => (a.requestId < b.requestId ? -1 : 1));
}

/** The catalog's default branch (as configured, else as git tells it): what a request is merged into. */
export async function defaultBranchName(catalog: Catalog, repo: string): Promise<string | undefined> {
  return catalog.defaultBranch ?? (await defaultBranch(repo))?.name;
}

/** A request branch or abandoned tip as a summary; merged when `defaultName` (the default branch) contains it. */
export async function requestSummary(repo: string, b: BranchInfo, defaultName: string | undefined): Promise<RequestSummary> {
  const abandoned = b.ref.startsWith(ABANDONED_PREFIX);
  const t = (k: string) => trailerValue(b.trailers, k) ?? '';
  let state: RequestSummary['state'] = abandoned ? 'abandoned' : 'open';
  if (!abandoned && defaultName && (await isMerged(repo, b.commit, defaultName).catch(() => false))) state = 'merged';
  return { requestId: t(TRAILER.request), branch: abandoned ? '' : b.name, subscription: t(TRAILER.subscription), product: t(TRAILER.product), customer: t(TRAILER.customer), action: t(TRAILER.action), state, commit: b.commit };
}
