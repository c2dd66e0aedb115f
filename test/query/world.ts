import { nodeFileHost } from '../../src/adapters/fs.js';
import { openCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import { fromTemplate, otterNetLoaded } from '../helpers/otter.js';
import { git, svc, writeTree, type FileTree } from '../helpers/repo.js';

/** An address on rt01-par01's downlink and another on its loopback: the example's bootstrap has none. */
export const ADDRESSES = `---
apiVersion: infrahub.app/v1
kind: Object
spec:
  kind: IpamIPAddress
  data:
    - address: 10.0.0.1/31
      ip_namespace: default
      interface: [rt01-par01, Ethernet1/1]
    - address: 10.255.0.1/32
      ip_namespace: default
      role: loopback
      interface: [rt01-par01, Loopback0]
`;

/**
 * Otter-net with its bootstrap data and ADDRESSES loaded, plus `extra` files, committed. Built once
 * per test file and name, copied per test.
 */
export function queryWorld(name = 'plain', extra: FileTree = {}): string {
  return fromTemplate(`query-${name}`, () => {
    const dir = otterNetLoaded(`query-base`);
    writeTree(dir, { 'extra/addresses.yml': ADDRESSES, ...extra });
    const load = svc(dir, ['load', 'extra/addresses.yml']);
    if (load.code !== 0) throw new Error(load.stderr);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'addresses and extras');
    return dir;
  });
}

export function catalogAt(dir: string): Catalog {
  const { catalog, diagnostics } = openCatalog(dir, nodeFileHost);
  if (!catalog) throw new Error(JSON.stringify(diagnostics));
  return catalog;
}
