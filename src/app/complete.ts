import { join } from 'node:path';
import { nodeFileHost } from '../adapters/fs.js';
import { gitRaw } from '../adapters/git/run.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Catalog } from '../core/catalog/catalog.js';
import { POOL_KINDS } from '../core/pools/from-inventory.js';
import { subscriptionKind } from '../core/products/compile.js';
import { REQUEST_PREFIX } from '../core/request/names.js';
import { cmp } from '../core/diff/order.js';
import { requireModel } from './model.js';

/**
 * The catalog's names a shell completes: kinds, products (and their variants), subscriptions,
 * request ids, pool names and generator names. Called on every Tab press, so each reads only what it
 * needs (file names and a few small files, one git process) and the schema through its cache.
 */
export type ValueSource = 'kinds' | 'products' | 'subscriptions' | 'requests' | 'pools' | 'generators' | 'objects';

export interface Candidate {
  value: string;
  description?: string;
}

/** `kind`: for 'objects', the kind whose objects are named (by the first part of their human-friendly id). */
export async function completionValues(catalog: Catalog, source: ValueSource, kind?: string): Promise<Candidate[]> {
  switch (source) {
    case 'objects':
      return kind === undefined ? [] : sorted(objectNames(catalog, kind));
    case 'kinds': {
      const { schema } = requireModel(catalog, nodeFileHost);
      return sorted([...schema.kinds.values()].filter((k) => !k.isGeneric || !k.builtin).map((k) => ({ value: k.kind, ...(k.description ? { description: k.description } : {}) })));
    }
    case 'products': {
      const { products } = requireModel(catalog, nodeFileHost);
      const out: Candidate[] = [];
      for (const p of products?.products.values() ?? []) {
        out.push({ value: p.name, ...(p.description ? { description: p.description } : {}) });
      }
      const { listProducts } = await import('../core/products/describe.js');
      if (products) for (const p of listProducts(products)) for (const v of p.variants) if (v.name !== p.name) out.push({ value: v.name, description: `variant of ${p.name}` });
      return sorted(out);
    }
    case 'subscriptions':
      return sorted(dedupe([...subscriptionsOnDisk(catalog), ...(await requestIds(catalog.root)).filter((r) => !OPERATION.test(r.value))]));
    case 'requests':
      return sorted(await requestIds(catalog.root));
    case 'pools':
      return sorted(Object.keys(POOL_KINDS).flatMap((kind) => namesIn(catalog, kind, (o) => (typeof o.name === 'string' ? { value: o.name, description: kind } : undefined))));
    case 'generators':
      return sorted(catalog.generators.map((g) => ({ value: g.name, ...(g.description ? { description: g.description } : {}) })));
  }
}

/** A modify or terminate request's id; every other request id is its subscription's. */
const OPERATION = /-(modify|terminate)-\d+$/;

async function requestIds(root: string): Promise<Candidate[]> {
  const r = await gitRaw(root, ['for-each-ref', '--format=%(refname:strip=2)', `refs/heads/${REQUEST_PREFIX}`]);
  if (r.code !== 0) return [];
  return r.stdout.toString('utf8').split('\n').filter(Boolean).map((b) => ({ value: b.slice(REQUEST_PREFIX.length), description: `request ${b}` }));
}

/** Subscriptions in the checked-out inventory: the `Product<Type>` folders' files. */
function subscriptionsOnDisk(catalog: Catalog): Candidate[] {
  const { products } = requireModel(catalog, nodeFileHost);
  return [...(products?.products.values() ?? [])].flatMap((p) =>
    namesIn(catalog, subscriptionKind(p.type), (o) => (typeof o.subscription_id === 'string' ? { value: o.subscription_id, description: [p.name, o.customer, o.status].filter((x) => typeof x === 'string').join(', ') } : undefined)),
  );
}

/**
 * The first part of each object's human-friendly id when it is one of its own attributes (a pool's
 * or a site's name): what `svc show <kind>` takes first. Objects named through a peer are left out.
 */
function objectNames(catalog: Catalog, kind: string): Candidate[] {
  const { schema } = requireModel(catalog, nodeFileHost);
  const k = schema.get(kind);
  const first = /^([a-z0-9_]+)__value$/i.exec(k?.human_friendly_id?.[0] ?? '')?.[1];
  if (!k || k.isGeneric || first === undefined) return [];
  return namesIn(catalog, kind, (o) => (typeof o[first] === 'string' || typeof o[first] === 'number' ? { value: String(o[first]) } : undefined));
}

function namesIn(catalog: Catalog, kind: string, pick: (o: Record<string, unknown>) => Candidate | undefined): Candidate[] {
  const dir = join(catalog.inventory, kind);
  if (!existsSync(dir)) return [];
  const out: Candidate[] = [];
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') && !f.split(/[\\/]/).some((p) => p.startsWith('.')));
  for (const f of files) {
    try {
      const c = pick(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
      if (c) out.push(c);
    } catch {
      // An unreadable file is `svc validate`'s to report; completion offers what it can read.
    }
  }
  return out;
}

function dedupe(list: Candidate[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const c of list) if (!seen.has(c.value)) seen.set(c.value, c);
  return [...seen.values()];
}

const sorted = (list: Candidate[]): Candidate[] => dedupe(list).sort((a, b) => cmp(a.value, b.value));
