import { nodeFileHost } from '../../src/adapters/fs.js';
import { requireModel } from '../../src/app/model.js';
import { openCatalog } from '../../src/core/catalog/catalog.js';
import type { FileChange } from '../../src/core/diff/index.js';
import { objectId } from '../../src/core/inventory/paths.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

let cached: SchemaSet | undefined;

/** The Otter-net example's whole model (schemas, products, svc's built-ins), read from this repository. */
export function otterSchema(): SchemaSet {
  if (!cached) {
    const { catalog } = openCatalog(PROJECT_ROOT, nodeFileHost);
    cached = requireModel(catalog!).schema;
  }
  return cached;
}

/** An object file's text as svc writes it. */
export const text = (obj: Record<string, unknown>): string => `${JSON.stringify(obj, null, 2)}\n`;

export const id = (kind: string, seed: string | string[]): string => objectId(kind, seed);

export const added = (path: string, obj: Record<string, unknown>): FileChange => ({ path, before: null, after: text(obj) });
export const removed = (path: string, obj: Record<string, unknown>): FileChange => ({ path, before: text(obj), after: null });
export const modified = (path: string, before: Record<string, unknown>, after: Record<string, unknown>): FileChange => ({ path, before: text(before), after: text(after) });

/** Otter-net objects used across the tests. */
export const SUB = id('ProductDedicatedInternet', ['dia-0001']);
export const BLOCK = id('BlockDedicatedInternet', ['dia-0001']);
export const VLAN_POOL = id('CoreNumberPool', ['Customer vlan pool']);
export const PORT = id('DcimInterfaceL2', ['sw01-par01', 'Ethernet1/1']);
export const RUN = id('SvcGeneratorRun', ['dedicated_internet', SUB]);

export function subscription(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: SUB, bandwidth: 1000, subscription_id: 'dia-0001', product: 'dedicated internet 1000', customer: 'acme', status, insync: false, version: 1, ...extra };
}

export function run(allocations: Record<string, unknown>[]): Record<string, unknown> {
  return { id: RUN, generator: 'dedicated_internet', target: SUB, produced: [], allocations };
}

export const vlanRecord = (resource: string) => ({ pool: VLAN_POOL, key: `${SUB}:vlan`, type: 'number', resource, target: SUB });
export const portClaim = () => ({ pool: 'DcimInterfaceL2', key: `${SUB}:customer-port`, type: 'claim', resource: PORT, target: SUB });
