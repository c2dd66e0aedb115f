import { otterNetLoaded } from '../helpers/otter.js';
import { git, svc } from '../helpers/repo.js';
import { BLOCK, subscription, text } from './helpers.js';

/**
 * The Otter-net catalog with its bootstrap loaded and subscription dia-0001 (provisioning, at par01)
 * committed on main; built once per test file (loading takes a while) and copied for each test.
 */
export function otterWithSubscription(): string {
  return otterNetLoaded('with-dia-0001', {
    'inventory/ProductDedicatedInternet/dia-0001.json': text(subscription('provisioning', { dedicated_internet: { id: BLOCK } })),
    [`inventory/BlockDedicatedInternet/${BLOCK}.json`]: text({ id: BLOCK, ip_package: 'small', site: 'par01', subscription: { kind: 'ProductDedicatedInternet', hfid: 'dia-0001' } }),
  }, 'Otter-net, and dia-0001 to provision');
}

/** On a new branch request/dia-0001, run the generators (dia-0001 becomes active); nothing committed. */
export function generated(): string {
  const dir = otterWithSubscription();
  git(dir, 'switch', '-q', '-c', 'request/dia-0001');
  const r = svc(dir, ['generate'], { env: { SVC_NOW: '2026-01-01T00:00:00Z' } });
  if (r.code !== 0) throw new Error(`svc generate failed: ${r.stderr}`);
  return dir;
}

/** What must not change when svc diff runs: refs, HEAD, the index and every file's status. */
export function gitState(dir: string): string {
  return [
    git(dir, 'for-each-ref', '--format=%(refname) %(objectname)'),
    git(dir, 'rev-parse', 'HEAD'),
    git(dir, 'ls-files', '--stage'),
    git(dir, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
  ].join('\n');
}

