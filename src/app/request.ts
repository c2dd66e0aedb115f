import { checkRequest } from './checks.js';
import { commitToRef, type FileChange as CommitChange } from '../adapters/git/commit.js';
import { resolveIdentity, type Identity } from '../adapters/git/objects.js';
import { relative, sep } from 'node:path';
import { defaultBranch, isMerged, listBranches, revParse, trailerValue } from '../adapters/git/read.js';
import { compareAndSwapRef, deleteRef, refState } from '../adapters/git/refs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError, ValidationError } from '../core/errors.js';
import type { FilePlan } from '../core/inventory/api.js';
import type { ChangeSet, InventoryObject } from '../core/inventory/model.js';
import { BLOCK_NAME_ATTRIBUTE, subscriptionKind } from '../core/products/compile.js';
import { findDependents } from '../core/products/dependencies.js';
import { assertValidRequest } from '../core/products/inputs.js';
import { transition } from '../core/products/lifecycle.js';
import type { ProductDef, ProductSet, Variant } from '../core/products/model.js';
import { assertEnabled, finishOperation, startOperation } from '../core/products/operations.js';
import type { LifecycleState } from '../core/products/states.js';
import { subscriptionFromObject, subscriptionToObject } from '../core/products/subscription.js';
import { findVariant, variantsOf } from '../core/products/variants.js';
import { buildSubscription, coerceInput, setInputs } from '../core/request/build.js';
import { ABANDONED_PREFIX, branchOf, checkRequestId, nextSubscriptionId, operationRequestId, refOf, REQUEST_PREFIX, TRAILER, type RequestAction } from '../core/request/names.js';
import type { GenerateInput, TargetReport } from '../core/generate/engine.js';
import { planGeneration } from '../core/generate/engine.js';
import { generatorLabel } from '../core/generate/label.js';
import type { SchemaSet } from '../core/schema/model.js';
import { didYouMean } from '../core/suggest.js';
import { assertNoControlCharacters } from '../core/text.js';
import { formFields } from '../core/products/inputs.js';
import { changedArtifacts, queryArtifacts } from './artifacts.js';
import { loadHandles } from './generate.js';
import { requireModel } from './model.js';
import { openInventoryAt, repoOf, sweepStaleCopies, type RevisionInventory } from './revision-inventory.js';
import { LedgerReservations, LedgerSession, PreviewLedger, type LedgerChanges } from './shared-reservations.js';
import { abandonHeldBy } from '../adapters/git/reservations.js';
import { adoptOpenRequests, ID_POOL_PREFIX } from './ledger-adopt.js';
import { namespaceOf } from '../core/pools/namespace.js';
import { POOL_KINDS } from '../core/pools/from-inventory.js';
import { ipSpace } from '../core/reservations/overlap.js';

/** What a request command produced: the branch, its commit, and the files it changed (before → after). */
export interface RequestResult {
  requestId: string;
  subscriptionId: string;
  action: RequestAction;
  product: string;
  customer: string;
  branch: string;
  base: { ref: string; commit: string };
  /** Null for a dry run, which commits nothing. */
  commit: string | null;
  /** Computed and shown only: no branch, no commit, nothing reserved in the shared ledger. */
  dryRun: boolean;
  status: LifecycleState;
  reports: TargetReport[];
  /** Paths relative to the inventory folder, with their text before and after (null: absent). */
  files: { path: string; before: string | null; after: string | null }[];
  /** Stale index copies of interrupted requests that this run cleaned up. */
  swept: number;
  /** Why the request's reservations are not yet shared with the remote, when they are not. */
  notShared?: string;
  /**
   * Why the resources the subscription lets go of could not be marked as let go of by this request
   * after its branch was committed (the request itself stands; once merged, they stay reserved
   * until a rebase of the request marks them).
   */
  notReleased?: string;
  /**
   * Artifact files the request re-rendered (see ./artifacts.ts), relative to the catalog root,
   * before → after (null: absent); committed with the inventory's files.
   */
  artifacts: { path: string; before: string | null; after: string | null }[];
  /** Names of the pools and claimed objects the diff mentions by id (id → label). */
  labels: Record<string, string>;
  /**
   * Request branches the shared ledger lacked (a remote made by `git clone --bare`), whose holdings
   * this request put back before allocating; and what they hold that the ledger gave to others.
   */
  adopted?: { branches: string[]; reservations: number; conflicts: string[] };
}

export interface CreateOptions {
  product: string;
  customer?: string;
  description?: string;
  /** `--set key=value` pairs, as text. */
  set: Record<string, string>;
  /** From `-f request.yml`: typed values. */
  values?: Record<string, unknown>;
  id?: string;
  base?: string;
  /** Rebase: move the existing request branch from this commit instead of creating it. */
  replace?: string;
  dryRun?: boolean;
  clock: () => Date;
}

interface Context {
  catalog: Catalog;
  schema: SchemaSet;
  products: ProductSet;
  repo: string;
  /** Who commits, asked of git once however many commits the command makes (ledger updates, the branch). */
  committer: () => Promise<Identity>;
}

function context(catalog: Catalog): Context {
  const model = requireModel(catalog);
  if (!model.products || model.products.products.size === 0) {
    throw new UsageError('request/no-products', 'this catalog has no products to request', { hint: 'add product files under products/ (see `svc init` for an example)' });
  }
  const repo = repoOf(catalog).repo;
  let who: Promise<Identity> | undefined;
  return { catalog, schema: model.schema, products: model.products, repo, committer: () => (who ??= resolveIdentity(repo)) };
}

/** The product and variant named by `name`: a variant name ("dedicated internet 1000"), or a product name/type with fixed inputs in `values`. */
export function resolveProduct(products: ProductSet, name: string, values: Record<string, unknown>): { product: ProductDef; variant: Variant } {
  const byVariant = findVariant(products.products.values(), name);
  if (byVariant) return byVariant;
  const product = [...products.products.values()].find((p) => p.name === name || p.type === name || p.tag.toLowerCase() === name.toLowerCase());
  if (!product) {
    const names = [...products.products.values()].flatMap((p) => [p.name, ...variantsOf(p).map((v) => v.name)]);
    throw new UsageError('request/unknown-product', `no product or variant named "${name}"`, { hint: didYouMean(name, names) ?? `products: ${[...products.products.keys()].join(', ')} (svc products lists the variants)` });
  }
  const variants = variantsOf(product);
  // Only a scalar can name a fixed input's value: String() of a mapping from a request file may throw.
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const variant = variants.find((v) => Object.entries(v.fixedInputs).every(([k, val]) => values[k] === undefined || (scalar(values[k]) && String(values[k]) === String(val))));
  const missing = product.fixedInputs.filter((f) => f.values.length > 1 && values[f.name] === undefined).map((f) => f.name);
  if (!variant || (variants.length > 1 && missing.length)) {
    throw new ValidationError('request/no-variant', missing.length ? `"${product.name}" has variants: choose ${missing.join(', ')}` : `no variant of "${product.name}" has ${JSON.stringify(values)}`, {
      hint: `give --set ${product.fixedInputs.map((f) => `${f.name}=<${f.values.join('|')}>`).join(' ')}, or name a variant: ${variants.map((v) => `"${v.name}"`).join(', ')}`,
    });
  }
  return { product, variant };
}

async function resolveBase(ctx: Context, base: string | undefined): Promise<{ ref: string; commit: string }> {
  let ref = base ?? ctx.catalog.defaultBranch;
  if (ref === undefined) {
    const d = await defaultBranch(ctx.repo);
    if (!d) throw new UsageError('request/no-base', 'cannot tell the default branch', { hint: 'commit the catalog on main, set default_branch in .orchestrator.yml, or pass --base <ref>' });
    ref = d.name;
  }
  const commit = await revParse(ctx.repo, `${ref}^{commit}`);
  if (!commit) throw new UsageError('request/unknown-base', `base "${ref}" is not a commit in this repository`, { hint: 'name an existing branch, tag or commit with --base' });
  return { ref, commit };
}

async function takenIds(ctx: Context, inv: RevisionInventory): Promise<Set<string>> {
  const taken = new Set<string>();
  for (const o of inv.inventory.list('SvcSubscription')) taken.add(String(o.attributes.subscription_id ?? ''));
  // The remote's request branches too: another engineer's pushed request is not in this inventory yet.
  for (const b of await listBranches(ctx.repo, [`refs/heads/${REQUEST_PREFIX}`, `refs/remotes/*/${REQUEST_PREFIX}*`, ABANDONED_PREFIX])) taken.add(b.name.replace(/^.*?request\//, '').replace(ABANDONED_PREFIX, ''));
  return taken;
}

export async function createRequest(catalog: Catalog, opts: CreateOptions): Promise<RequestResult> {
  assertNoControlCharacters([
    ['--customer', opts.customer],
    ['--description', opts.description],
    ['--id', opts.id],
    ['--base', opts.base],
    ...Object.entries(opts.set).flatMap(([k, v]) => [['--set (an input name)', k], [`--set ${k}`, v]] as const),
    ...Object.entries(opts.values ?? {}).flatMap(([k, v]) => [['-f (an input name)', k], [`-f ${k}`, v]] as const),
  ], new Set(['--description', '-f description']));
  const ctx = context(catalog);
  const swept = sweepStaleCopies(catalog.root);
  const values: Record<string, unknown> = { ...(opts.values ?? {}) };
  const { product } = resolveProduct(ctx.products, opts.product, { ...values, ...opts.set });
  for (const [k, v] of Object.entries(opts.set)) values[k] = coerceInput(product, ctx.products, k, v);
  const { variant } = resolveProduct(ctx.products, opts.product, values);
  // Before anything is asked of the inputs: a product that cannot be requested at all says so first.
  assertEnabled(product, 'create', `a new ${variant.name}`);
  const customer = opts.customer ?? (typeof values.customer === 'string' ? values.customer : undefined);
  const description = opts.description ?? (typeof values.description === 'string' ? values.description : undefined);
  const request: Record<string, unknown> = { ...values, ...variant.fixedInputs, customer: customer ?? '' };
  delete request.id;
  if (description !== undefined) request.description = description;
  const base = await resolveBase(ctx, opts.base);
  // Asked before the ledger reserves anything: without an identity nothing may be written.
  if (!opts.dryRun) await ctx.committer();
  const inv = await openInventoryAt(catalog, ctx.schema, base.commit);
  // Everything this request changes in the shared ledger, so that a failure takes it back.
  const session = ledgerFor(ctx, inv, opts);
  try {
    // With the defaults of the inputs left out, as the form offers them.
    const filled = assertValidRequest(product, ctx.products, request, { variant, reader: inv.inventory, schema: ctx.schema });
    const id = opts.id ?? (await reserveSubscriptionId(session, product.tag, await takenIds(ctx, inv)));
    checkRequestId(id);
    if (opts.replace === undefined) await assertFree(ctx, id);
    if (inv.inventory.findByHfid('SvcSubscription', [id])) throw new UsageError('request/id-taken', `subscription "${id}" already exists on ${base.ref}`, { hint: 'choose another --id, or modify the existing one with `svc request modify`' });
    const inputs = Object.fromEntries(formFields(product, ctx.products).filter((f) => f.key in filled).map((f) => [f.key, filled[f.key]]));
    const built = buildSubscription(product, ctx.products, variant, { subscriptionId: id, customer: String(customer), ...(description ? { description } : {}), inputs }, inv.inventory);
    const sub = moveTo(ctx, product, built.subscription, 'provisioning', [built.block], inv, opts.clock, 'create');
    return await generateAndCommit(ctx, inv, { requestId: id, subscriptionId: id, action: 'create', product, customer: String(customer), base, seed: { upserts: [sub, built.block], deletes: [] }, target: sub.id, clock: opts.clock, swept, session, dryRun: Boolean(opts.dryRun), ...(opts.replace ? { replace: opts.replace } : {}) });
  } catch (e) {
    // The id and the resources go back: a failed request leaves the ledger as it found it.
    await session.undo();
    throw e;
  } finally {
    session.close();
    inv.close();
  }
}

export interface OperationOptions {
  subscription: string;
  set?: Record<string, string>;
  base?: string;
  id?: string;
  resume?: boolean;
  replace?: string;
  dryRun?: boolean;
  clock: () => Date;
}

/** `svc request modify` and `svc request terminate`: a new branch that changes an existing subscription. */
export async function operateRequest(catalog: Catalog, action: 'modify' | 'terminate', opts: OperationOptions): Promise<RequestResult> {
  assertNoControlCharacters([
    ['subscription', opts.subscription],
    ['--id', opts.id],
    ['--base', opts.base],
    ...Object.entries(opts.set ?? {}).flatMap(([k, v]) => [['--set (an input name)', k], [`--set ${k}`, v]] as const),
  ]);
  const ctx = context(catalog);
  const swept = sweepStaleCopies(catalog.root);
  const base = await resolveBase(ctx, opts.base);
  if (!opts.dryRun) await ctx.committer();
  const inv = await openInventoryAt(catalog, ctx.schema, base.commit);
  const session = ledgerFor(ctx, inv, opts);
  try {
    const current = inv.inventory.findByHfid('SvcSubscription', [opts.subscription]) ?? inv.inventory.get(opts.subscription);
    if (!current) {
      throw new UsageError('request/unknown-subscription', `no subscription "${opts.subscription}" on ${base.ref}`, { hint: 'a request must be merged before it can be modified or terminated; `svc request list` shows open ones' });
    }
    const product = [...ctx.products.products.values()].find((p) => subscriptionKind(p.type) === current.kind)!;
    const sid = String(current.attributes.subscription_id ?? current.id);
    const requestId = opts.id ?? operationRequestId(sid, action, await takenIds(ctx, inv));
    checkRequestId(requestId);
    await assertNoOpenOperation(ctx, sid, requestId, action, base);
    if (opts.replace === undefined) await assertFree(ctx, requestId);
    const seed: ChangeSet = { upserts: [], deletes: [] };
    let sub = subscriptionFromObject(current);
    sub = startOperation(sub, action, product, opts.resume ? { resume: true } : {});
    let subObj = subscriptionToObject(sub, current);
    if (action === 'modify') {
      const rootRef = current.relationships[product.rootBlock];
      const block = rootRef && !Array.isArray(rootRef) ? inv.inventory.get(rootRef.id) : undefined;
      if (!block) throw new ValidationError('request/no-block', `subscription ${sid} has no ${product.rootBlock} block`);
      const fields = formFields(product, ctx.products).map((f) => f.field);
      const changes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(opts.set ?? {})) {
        const field = fields.find((f) => f.name === k);
        if (!field) throw new UsageError('request/unknown-input', `${product.name} has no input "${k}"`, { hint: didYouMean(k, fields.map((f) => f.name)) ?? `inputs: ${fields.map((f) => f.name).join(', ')}` });
        if (!field.modifiable) throw new ValidationError('request/not-modifiable', `${k} cannot be modified once the subscription exists`, { hint: 'terminate it and request a new one instead' });
        changes[k] = coerceInput(product, ctx.products, k, v);
      }
      if (!Object.keys(changes).length) throw new UsageError('request/nothing-to-modify', 'say what to change with --set input=value');
      // Check the modified request as a whole, as a create would have been checked.
      const merged = { ...currentInputs(product, ctx.products, block, inv), ...changes, customer: sub.customer, ...fixedOf(product, current) };
      assertValidRequest(product, ctx.products, merged, { reader: inv.inventory, schema: ctx.schema });
      const next: InventoryObject = { ...block, attributes: { ...block.attributes }, relationships: { ...block.relationships } };
      // A block made before blocks had names (filed by its id) gets its name, and so its readable hfid and path.
      next.attributes[BLOCK_NAME_ATTRIBUTE] ??= product.rootBlock;
      setInputs(next, fields, changes, inv.inventory);
      // A modify that sets every input to what it already is would only bump the version: a typo, or
      // a request made twice. --resume may still re-run one (after a failure), unchanged.
      const same = (k: string) => JSON.stringify([next.attributes[k], next.relationships[k]]) === JSON.stringify([block.attributes[k], block.relationships[k]]);
      if (!opts.resume && Object.keys(changes).every(same)) {
        throw new UsageError('request/nothing-to-modify', `${sid} already has ${Object.entries(opts.set ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}: nothing to modify`, { hint: 'give the value it should change to; `svc show` shows the current ones' });
      }
      seed.upserts.push(next);
      subObj = moveTo(ctx, product, subObj, 'provisioning', [next], inv, opts.clock, action);
    } else {
      subObj = moveTo(ctx, product, subObj, 'terminated', [], inv, opts.clock, action);
    }
    seed.upserts.unshift(subObj);
    return await generateAndCommit(ctx, inv, { requestId, subscriptionId: sid, action, product, customer: sub.customer, base, seed, target: current.id, clock: opts.clock, swept, session, dryRun: Boolean(opts.dryRun), ...(opts.replace ? { replace: opts.replace } : {}) });
  } catch (e) {
    await session.undo();
    throw e;
  } finally {
    session.close();
    inv.close();
  }
}

function currentInputs(product: ProductDef, set: ProductSet, block: InventoryObject, inv: RevisionInventory): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, field } of formFields(product, set)) {
    const a = block.attributes[key];
    if (a !== undefined) out[key] = a;
    const r = block.relationships[key];
    if (r !== undefined) {
      const refs = Array.isArray(r) ? r : [r];
      const ids = refs.map((p) => inv.inventory.hfidOf(p.id)?.join('/') ?? p.id);
      out[key] = field.list ? ids : ids[0];
    }
  }
  return out;
}

function fixedOf(product: ProductDef, sub: InventoryObject): Record<string, unknown> {
  return Object.fromEntries(product.fixedInputs.filter((f) => f.values.length > 1).map((f) => [f.name, sub.attributes[f.name]]));
}

/** A lifecycle move under the product's rules, seen with the request's pending objects. */
function moveTo(ctx: Context, product: ProductDef, obj: InventoryObject, to: LifecycleState, pending: InventoryObject[], inv: RevisionInventory, clock: () => Date, op: RequestAction): InventoryObject {
  const byId = new Map(pending.map((o) => [o.id, o]));
  const reader = {
    get: (id: string) => byId.get(id) ?? inv.inventory.get(id),
    list: (kind: string) => inv.inventory.list(kind).map((o) => byId.get(o.id) ?? o),
  };
  let sub = subscriptionFromObject(obj);
  if (op === 'create') sub = startOperation(sub, 'create', product);
  const rootRef = obj.relationships[product.rootBlock];
  const moved = transition(sub, to, {
    product,
    set: ctx.products,
    root: rootRef && !Array.isArray(rootRef) ? rootRef : undefined,
    reader,
    dependents: findDependents(reader, obj.id),
    now: clock,
  });
  return subscriptionToObject(moved.subscription, obj);
}

/**
 * The shared ledger as a request changes it: for real, or (a dry run) in memory only. Either way,
 * request branches the ledger has never seen are put back in it before anything is chosen.
 */
function ledgerFor(ctx: Context, inv: RevisionInventory, opts: { dryRun?: boolean; clock: () => Date }): LedgerChanges {
  const nsOf = namespaceOf({ list: (k) => inv.inventory.list(k), hasKind: (k) => ctx.schema.get(k) !== undefined });
  const spaceOf = (pool: string): string | undefined => {
    const obj = inv.inventory.get(pool);
    const type = obj ? POOL_KINDS[obj.kind] : undefined;
    return obj && (type === 'prefix' || type === 'address') ? ipSpace(type, nsOf(obj)) : undefined;
  };
  const prepare = adoptOpenRequests(ctx.repo, inv.prefix, spaceOf);
  return opts.dryRun ? new PreviewLedger(ctx.repo, opts.clock, prepare) : new LedgerSession(ctx.repo, opts.clock, ctx.committer, prepare);
}


/**
 * A new subscription id that no other request takes, on this machine or another: ids are reserved
 * in the shared ledger like any resource (pool `svc:ids:<tag>`): the next after the highest this
 * clone knows of (`taken`), skipping those the ledger holds, and held by the request's own branch.
 * So the id stays taken as long as that branch lives, even where the branch cannot be seen (an
 * engineer's unpushed request). A merge makes it permanent, and so does abandoning the request
 * (its tip is kept under the id's name); gc frees it only with the request's other reservations,
 * once its branch is gone past the grace period.
 */
async function reserveSubscriptionId(session: LedgerChanges, tag: string, taken: Set<string>): Promise<string> {
  const nonce = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const out = await session.reserve({ pool: `${ID_POOL_PREFIX}${tag.toLowerCase()}`, key: nonce, holder: (id) => `${REQUEST_PREFIX}${id}` }, async (used) => {
    const tried = new Set(taken);
    for (;;) {
      const id = nextSubscriptionId(tag, tried);
      if (!(await used.has(id))) return id;
      tried.add(id);
    }
  });
  return out.reservation.resource;
}

/**
 * One operation at a time per subscription: two open branches that both change it (a modify, then a
 * terminate) each start from the same version of its files, and merging both conflicts. The second
 * is refused, naming the first, whether that is this clone's branch or one pushed by someone else.
 */
async function assertNoOpenOperation(ctx: Context, sid: string, requestId: string, action: RequestAction, base: { ref: string; commit: string }): Promise<void> {
  const branches = await listBranches(ctx.repo, [`refs/heads/${REQUEST_PREFIX}`, `refs/remotes/*/${REQUEST_PREFIX}*`]);
  for (const b of branches) {
    if (trailerValue(b.trailers, TRAILER.subscription) !== sid) continue;
    const other = trailerValue(b.trailers, TRAILER.request) ?? b.name.replace(/^.*?request\//, '');
    // The request itself (a rebase moves its own branch), and what the base already holds.
    if (other === requestId || (await isMerged(ctx.repo, b.commit, base.commit))) continue;
    const otherAction = trailerValue(b.trailers, TRAILER.action) ?? 'request';
    const remote = b.ref.startsWith('refs/remotes/');
    const name = remote ? b.ref.slice('refs/remotes/'.length) : b.name;
    throw new UsageError('request/operation-open', `${sid} already has an open ${otherAction} request, ${other} (branch ${name}${remote ? ', pushed' : ''}): a ${action} made beside it would conflict with it when both are merged`, {
      hint: `merge ${name} first and ${action} from the new ${base.ref}; or, if it should not land, \`svc request abandon ${other}\`${remote ? ' in the clone that made it' : ''}; a request already made beside it is brought up to date after the merge with \`svc request rebase <id>\``,
    });
  }
}

async function assertFree(ctx: Context, requestId: string): Promise<void> {
  const state = await refState(ctx.repo, refOf(requestId));
  if (state.value !== null) {
    throw new UsageError('request/branch-exists', `branch ${branchOf(requestId)} already exists`, { hint: `choose another --id, or \`svc request abandon ${requestId}\` first` });
  }
}

interface Plan {
  requestId: string;
  subscriptionId: string;
  action: RequestAction;
  product: ProductDef;
  customer: string;
  base: { ref: string; commit: string };
  seed: ChangeSet;
  target: string;
  clock: () => Date;
  swept: number;
  /** The request's changes to the shared ledger; the caller undoes them when this fails. */
  session: LedgerChanges;
  dryRun: boolean;
  /** The branch's current tip when a rebase moves it; absent when the branch is new. */
  replace?: string;
}

/** Run the generators for the target at the base, then (unless a dry run) commit everything to the request branch in one compare-and-swap. */
async function generateAndCommit(ctx: Context, inv: RevisionInventory, p: Plan): Promise<RequestResult> {
  const handles = await loadHandles(ctx.catalog, p.product.implementedBy);
  const shared = new LedgerReservations(p.session, branchOf(p.requestId));
  try {
    await p.session.settleMerged();
  } catch {
    // Only a shortcut: `svc pools gc` settles merged requests as well, and this request needs none of it.
  }
  const input: GenerateInput = { inventory: inv.inventory, schema: ctx.schema, products: ctx.products, generators: handles, target: p.target, seed: p.seed, shared, clock: p.clock };
  const plan = await planGeneration(input);
  const changeSet = finishSubscription(plan.changeSet, p.target);
  const files = inv.inventory.plan(changeSet);
  // The catalog's checks over the state this commit would make: an error refuses the request here.
  await checkRequest(ctx.catalog, ctx.schema, inv.inventory, changeSet);
  const after = changeSet.upserts.find((o) => o.id === p.target);
  const status = (after?.attributes.status ?? 'initial') as LifecycleState;
  // Read before the artifacts bring the index copy past the base.
  const labels = labelsFor(changeSet, inv);
  const artifacts = await requestArtifacts(ctx, inv, changeSet, [...files.writes.map((w) => w.path), ...files.deletes]);
  // A dry run stops here: the plan is the value it shows.
  const commit = p.dryRun ? null : await commitToRef({
    repo: ctx.repo,
    base: p.base.commit,
    ref: refOf(p.requestId),
    expectedOld: p.replace ?? null,
    changes: [...toCommitChanges(files, inv.prefix), ...artifacts.changes],
    message: `${p.action} ${p.product.name} ${p.subscriptionId} for ${p.customer}\n\n${describe(plan.reports, status)}`,
    trailers: [
      [TRAILER.request, p.requestId],
      [TRAILER.subscription, p.subscriptionId],
      [TRAILER.product, p.product.name],
      [TRAILER.customer, p.customer],
      [TRAILER.action, p.action],
    ],
    date: p.clock(),
    identity: await ctx.committer(),
  });
  // What the subscription lets go of (a terminate, a smaller package) is marked as let go of by this
  // request, once its branch exists: free for every branch when it is merged, back to the
  // subscription if it is abandoned. A request that fails or never lands gives nothing away.
  let notReleased: string | undefined;
  const released = plan.reports.flatMap((t) => t.released).map((r) => ({ pool: r.pool, key: r.key }));
  if (released.length && !p.dryRun) {
    try {
      await p.session.letGo(released, branchOf(p.requestId));
    } catch (e) {
      notReleased = e instanceof Error ? e.message : String(e);
    }
  }
  // The files' texts before: one git process for all of them, not one each.
  await inv.prefetch([...files.writes.map((w) => w.path), ...files.deletes]);
  return {
    requestId: p.requestId,
    subscriptionId: p.subscriptionId,
    action: p.action,
    product: p.product.name,
    customer: p.customer,
    branch: branchOf(p.requestId),
    base: p.base,
    commit: commit?.commit ?? null,
    dryRun: p.dryRun,
    status,
    reports: plan.reports,
    files: [...files.writes.map((w) => ({ path: w.path, before: inv.read(w.path) ?? null, after: w.text })), ...files.deletes.map((d) => ({ path: d, before: inv.read(d) ?? null, after: null }))].sort((a, b) => (a.path < b.path ? -1 : 1)),
    swept: p.swept,
    ...(notReleased !== undefined ? { notReleased } : {}),
    ...(p.session.offline !== undefined ? { notShared: p.session.offline } : {}),
    ...(p.session.adopted?.put.length || p.session.adopted?.conflicts.length ? { adopted: adoptedSummary(p.session.adopted) } : {}),
    artifacts: artifacts.files,
    labels,
  };
}

/**
 * The artifacts whose query results the request changes, rendered against the index copy once the
 * change set is in it, compared with the files at the base commit.
 */
async function requestArtifacts(ctx: Context, inv: RevisionInventory, changeSet: ChangeSet, inventoryPaths: string[]): Promise<{ changes: CommitChange[]; files: RequestResult['artifacts'] }> {
  const defs = ctx.catalog.render.artifactDefinitions;
  if (defs.length === 0) return { changes: [], files: [] };
  const before = await queryArtifacts(ctx.catalog, ctx.schema, inv.inventory, defs);
  inv.inventory.applyToIndexOnly(changeSet);
  const after = await queryArtifacts(ctx.catalog, ctx.schema, inv.inventory, defs);
  const catalogPrefix = relative(inv.repo, ctx.catalog.root).split(sep).join('/');
  const inRepo = (p: string) => (catalogPrefix === '' ? p : `${catalogPrefix}/${p}`);
  const old = new Map<string, string | undefined>();
  const changed = await changedArtifacts(before, after, async (paths) => {
    // With the inventory files' texts before, which the result shows: one git process for all.
    const texts = await inv.prefetch(inventoryPaths, paths.map(inRepo));
    for (const p of paths) old.set(p, texts.get(inRepo(p)));
    return old;
  });
  return {
    changes: [...changed.writes.map((w) => ({ path: inRepo(w.path), content: w.text })), ...changed.deletes.map((d) => ({ path: inRepo(d.path), delete: true as const }))],
    files: [...changed.writes.map((w) => ({ path: w.path, before: old.get(w.path) ?? null, after: w.text })), ...changed.deletes.map((d) => ({ path: d.path, before: old.get(d.path) ?? null, after: null }))].sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
}

function adoptedSummary(a: import('../core/reservations/rebuild.js').Adopted): NonNullable<RequestResult['adopted']> {
  return { branches: [...new Set(a.put.map((r) => r.holder))].sort(), reservations: a.put.length, conflicts: a.conflicts };
}

/** Pools and claimed objects appear in allocation records by id: the diff names them. */
function labelsFor(cs: ChangeSet, inv: RevisionInventory): Record<string, string> {
  const out: Record<string, string> = {};
  // What a run held before counts too: released resources are named from its earlier records.
  const runs = [...cs.upserts, ...[...cs.upserts.map((o) => o.id), ...cs.deletes].map((id) => inv.inventory.get(id))];
  for (const o of runs) {
    if (!o || o.kind !== 'SvcGeneratorRun' || !Array.isArray(o.attributes.allocations)) continue;
    for (const r of o.attributes.allocations as { pool: string; type: string; resource: string }[]) {
      const pool = inv.inventory.get(r.pool);
      if (pool && typeof pool.attributes.name === 'string') out[r.pool] = pool.attributes.name;
      if (r.type === 'claim') {
        const h = inv.inventory.hfidOf(r.resource);
        if (h) out[r.resource] = h.join(' / ');
      }
    }
  }
  return out;
}

/** The operation finished: the subscription is in sync again, one version further. */
function finishSubscription(cs: ChangeSet, target: string): ChangeSet {
  return {
    ...cs,
    upserts: cs.upserts.map((o) => (o.id === target ? subscriptionToObject(finishOperation(subscriptionFromObject(o)), o) : o)),
  };
}

function toCommitChanges(files: FilePlan, prefix: string): CommitChange[] {
  const at = (p: string) => (prefix === '' ? p : `${prefix}/${p}`);
  return [...files.writes.map((w) => ({ path: at(w.path), content: w.text })), ...files.deletes.map((d) => ({ path: at(d), delete: true as const }))];
}

function describe(reports: TargetReport[], status: string): string {
  const lines = reports.flatMap((r) => [`${generatorLabel(r)}: ${r.outcome}${r.lifecycle ? ` (${r.lifecycle.from} → ${r.lifecycle.to})` : ''}`, ...r.logs.map((l) => `  ${l.message}`)]);
  return [...lines, `status: ${status}`].join('\n');
}

export interface AbandonResult {
  requestId: string;
  branch: string;
  commit: string;
  swept: number;
  /** Reservations the request held, now free. */
  released: number;
  /** Reservations it was letting go of (a terminate's, a modify's), back with their subscription. */
  restored: number;
  /** The subscription id a create request held: kept for good, as the abandoned tip goes by it. */
  keptIds: string[];
  /** Why the ledger could not be updated, when it could not (`svc pools gc` does it later). */
  notReleased?: string;
}

/**
 * `svc request abandon <id>`: the branch goes; its tip is kept under refs/svc/abandoned/<id> so
 * `svc request list` still shows it (and nothing is lost for good); what it held is released and
 * what it was letting go of goes back to its subscription.
 */
export async function abandonRequest(catalog: Catalog, requestId: string, opts: { clock: () => Date }): Promise<AbandonResult> {
  checkRequestId(requestId);
  const { repo } = repoOf(catalog);
  const swept = sweepStaleCopies(catalog.root);
  const state = await refState(repo, refOf(requestId));
  if (state.value === null) {
    throw new UsageError('request/unknown-request', `no open request "${requestId}" (no branch ${branchOf(requestId)})`, { hint: '`svc request list` shows the requests' });
  }
  if (state.checkedOutAt) {
    throw new UsageError('request/checked-out', `${branchOf(requestId)} is checked out at ${state.checkedOutAt}`, { hint: 'switch that work tree to another branch, then abandon the request' });
  }
  // The ledger commit that releases what the request held is signed: asked before the branch goes.
  await resolveIdentity(repo);
  const keep = `${ABANDONED_PREFIX}${requestId}`;
  const kept = await refState(repo, keep);
  await compareAndSwapRef(repo, keep, state.value, kept.value, { reason: `svc: abandon ${requestId}` });
  await deleteRef(repo, refOf(requestId), state.value);
  const base = { requestId, branch: branchOf(requestId), commit: state.value, swept };
  try {
    const out = await abandonHeldBy({ repo, clock: opts.clock }, branchOf(requestId), (pool) => pool.startsWith(ID_POOL_PREFIX));
    return { ...base, released: out.value.released.length, restored: out.value.restored.length, keptIds: out.value.kept.map((r) => r.resource).sort() };
  } catch (e) {
    // The branch is gone either way; gc gives up a request whose branch is gone, past its grace period.
    return { ...base, released: 0, restored: 0, keptIds: [], notReleased: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * `svc request rebase <id>`: make the request again on the current base (the default branch has
 * moved on) with the same inputs, and move its branch there. The generators run again; the shared
 * ledger hands back the resources the request already reserved (same keys, same holder).
 */
export async function rebaseRequest(catalog: Catalog, requestId: string, opts: { base?: string; dryRun?: boolean; clock: () => Date }): Promise<RequestResult> {
  checkRequestId(requestId);
  const ctx = context(catalog);
  const state = await refState(ctx.repo, refOf(requestId));
  if (state.value === null) throw new UsageError('request/unknown-request', `no open request "${requestId}"`, { hint: '`svc request list` shows the requests' });
  const tip = state.value;
  const [info] = (await listBranches(ctx.repo, [refOf(requestId)])).filter((b) => b.ref === refOf(requestId));
  const action = trailerValue(info?.trailers ?? [], TRAILER.action) as RequestAction | undefined;
  const sid = trailerValue(info?.trailers ?? [], TRAILER.subscription);
  if (!action || !sid) throw new ValidationError('request/not-a-request', `${branchOf(requestId)} was not made by svc (its tip has no Svc-Action / Svc-Subscription trailers)`);
  const atTip = await openInventoryAt(catalog, ctx.schema, tip);
  let inputs: Record<string, unknown>;
  let sub: InventoryObject;
  let product: ProductDef;
  try {
    const found = atTip.inventory.findByHfid('SvcSubscription', [sid]);
    if (!found) throw new ValidationError('request/no-subscription', `${branchOf(requestId)} holds no subscription ${sid}`);
    sub = found;
    product = [...ctx.products.products.values()].find((p) => subscriptionKind(p.type) === sub.kind)!;
    const rootRef = sub.relationships[product.rootBlock];
    const block = rootRef && !Array.isArray(rootRef) ? atTip.inventory.get(rootRef.id) : undefined;
    inputs = block ? currentInputs(product, ctx.products, block, atTip) : {};
  } finally {
    atTip.close();
  }
  const text = (v: unknown): string => (Array.isArray(v) ? v.join(',') : String(v));
  const common = { ...(opts.base !== undefined ? { base: opts.base } : {}), replace: tip, dryRun: Boolean(opts.dryRun), clock: opts.clock };
  if (action === 'create') {
    return createRequest(catalog, {
      product: String(sub.attributes.product),
      customer: String(sub.attributes.customer),
      ...(typeof sub.attributes.description === 'string' ? { description: sub.attributes.description } : {}),
      set: {},
      values: inputs,
      id: requestId,
      ...common,
    });
  }
  const set = action === 'modify' ? Object.fromEntries(Object.entries(inputs).filter(([k]) => formFields(product, ctx.products).find((f) => f.key === k)?.field.modifiable).map(([k, v]) => [k, text(v)])) : {};
  return operateRequest(catalog, action, { subscription: sid, set, id: requestId, ...common });
}
