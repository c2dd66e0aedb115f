import type { Progress } from '../progress.js';
import type { GeneratorDefinition } from '../catalog/catalog.js';
import { UsageError, ValidationError } from '../errors.js';
import type { Inventory } from '../inventory/api.js';
import type { ChangeSet, InventoryObject } from '../inventory/model.js';
import type { AllocationRecord } from '../pools/records.js';
import { findDependents, SAFE_USED_BY_TRANSITIONS } from '../products/dependencies.js';
import { LIFECYCLE_STATES, type LifecycleState } from '../products/states.js';
import { SUBSCRIPTION_GENERIC, subscriptionKind } from '../products/compile.js';
import { transition } from '../products/lifecycle.js';
import type { ProductDef, ProductSet } from '../products/model.js';
import { subscriptionFromObject, subscriptionToObject } from '../products/subscription.js';
import type { SchemaSet } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import type { GeneratorSdk } from '../../sdk/index.js';
import { isFresh, ReadTracker, type MemoEntry, type MemoStore } from './memo.js';
import { Overlay } from './overlay.js';
import { sameObject } from '../inventory/equality.js';
import { PoolState } from './pool-state.js';
import { RUN_KIND, runFromObject, runId, runToObject, type GeneratorRun, type ProducedEntry } from './records.js';
import { Session, type LogLine } from './session.js';
import type { SharedReservations } from './shared.js';

/** A generator ready to run: the app layer loads the module and wraps its errors (generator, target, line). */
export interface GeneratorHandle {
  def: GeneratorDefinition;
  /** Identity of the generator's code (a content hash); runs are remembered only when it is known. */
  code?: string;
  run(sdk: GeneratorSdk, target: string): Promise<void>;
}

export interface GenerateInput {
  inventory: Inventory;
  schema: SchemaSet;
  products: ProductSet | undefined;
  generators: GeneratorHandle[];
  /** Only this target (an id, or a human-friendly id as text). */
  target?: string;
  /** Reservations shared across branches; requests pass the git ledger, `svc generate` none. */
  shared?: SharedReservations;
  /**
   * Only the given generators run: subscriptions of products without a generator are not looked at
   * (`svc generate --generator`). Otherwise those in provisioning become active once complete.
   */
  generatorsOnly?: boolean;
  /** Objects to add or replace before the generators run (a request's new subscription and its blocks). */
  seed?: ChangeSet;
  /** Told of each target as it starts, per generator (see core/progress.ts). */
  progress?: Progress;
  clock: () => Date;
  /**
   * Remembered runs (./memo.ts): a target whose remembered run still holds is not run again. `key`
   * names what a run is made with besides its reads (code, parameters, model); runs under shared
   * reservations are never remembered.
   */
  memo?: { store: MemoStore; key(generator: GeneratorHandle): string };
}

/** `checked`: a subscription of a product without a generator, held against its lifecycle rules only. */
export type TargetOutcome = 'generated' | 'released' | 'checked';

export interface TargetReport {
  /** Null for a product without a generator (outcome `checked`): see generatorLabel. */
  generator: string | null;
  target: string;
  /** The target's kind and human-friendly id (or id), for people. */
  label: string;
  outcome: TargetOutcome;
  /** A lifecycle move that generation made, e.g. provisioning → active. */
  lifecycle?: { from: string; to: string };
  /** Why a subscription stayed where it is (fields still missing), when it did. */
  pending?: string;
  logs: LogLine[];
  /** Allocations and claims the target held before and let go of in this run. */
  released: AllocationRecord[];
}

export interface GeneratePlan {
  changeSet: ChangeSet;
  reports: TargetReport[];
  /** Targets skipped because their remembered run still holds. */
  reused: number;
  /**
   * Once `changeSet` is applied: the entries to remember for the targets that ran (undefined: forget
   * it), given each object's blob id in the index after the writes.
   */
  settleMemo(blobsOf: (ids: readonly string[]) => Map<string, string>): Map<string, MemoEntry | undefined>;
}

/**
 * One generation as a plan: every generator for every target, run against an overlay of the
 * inventory, converged against what the previous runs produced. Nothing is written here: the caller
 * applies `changeSet` (to the work tree, or to a branch) or only renders it (--dry-run, --check).
 */
export async function planGeneration(input: GenerateInput): Promise<GeneratePlan> {
  const { schema } = input;
  const overlay = new Overlay(input.inventory, schema);
  for (const o of input.seed?.upserts ?? []) overlay.put(o);
  for (const id of input.seed?.deletes ?? []) overlay.remove(id);
  const runs = new Map<string, GeneratorRun>();
  if (schema.get(RUN_KIND)) for (const o of overlay.query(RUN_KIND)) runs.set(o.id, runFromObject(o));
  const generatedIds = new Set([...runs.values()].flatMap((r) => r.produced.filter((e) => e.generated).map((e) => e.id)));
  // How many runs produce each object: an object goes when the last one lets go (a scan of every
  // run per entry instead is quadratic in the number of targets).
  const producers = new Map<string, number>();
  const count = (run: GeneratorRun, by: 1 | -1) => {
    for (const e of run.produced) {
      const n = (producers.get(e.id) ?? 0) + by;
      if (n > 0) producers.set(e.id, n);
      else producers.delete(e.id);
    }
  };
  for (const r of runs.values()) count(r, 1);
  const records: AllocationRecord[] = [...runs.values()].flatMap((r) => r.allocations);
  const pools = new PoolState(overlay, records);
  const reports: TargetReport[] = [];
  const memo = input.shared ? undefined : input.memo;
  const ran: { run: string; key: string; tracker: ReadTracker; report: TargetReport }[] = [];
  let reused = 0;
  const isTarget = (t: InventoryObject) => t.id === input.target || overlay.hfid(t)?.join('/') === input.target;
  /**
   * The objects of `kind` this generation looks at: every one, or the one `input.target` names. A
   * request names its subscription by id: found directly, not by reading every object of the kind.
   */
  const targetsOf = (kind: string): InventoryObject[] => {
    const byId = input.target === undefined ? undefined : overlay.current(input.target);
    if (byId) return schema.isA(byId.kind, kind) ? [byId] : [];
    const all = overlay.query(kind);
    return input.target === undefined ? all : all.filter(isTarget);
  };
  /** Whether `input.target` named anything this generation looks at. */
  let targetFound = false;

  for (const gen of [...input.generators].sort((a, b) => (a.def.name < b.def.name ? -1 : 1))) {
    const kind = targetKind(gen.def, schema, input.products);
    const targets = targetsOf(kind);
    if (targets.length) targetFound = true;
    const seen = new Set<string>();
    for (const target of targets) {
      input.progress?.(`generating ${gen.def.name}`, seen.size + 1, targets.length);
      seen.add(target.id);
      const prev = runs.get(runId(gen.def.name, target.id));
      const report: TargetReport = { generator: gen.def.name, target: target.id, label: labelOf(overlay, target), outcome: 'generated', logs: [], released: [] };
      if (!shouldRun(schema, target)) {
        if (!prev) continue;
        report.released = converge(prev, undefined, new Map(), new Map());
        report.outcome = 'released';
        reports.push(report);
        continue;
      }
      const run = runId(gen.def.name, target.id);
      const key = memo?.key(gen);
      if (memo && key) {
        const entry = memo.store.get(run);
        if (entry && isFresh(entry, key, overlay)) {
          report.logs = entry.report.logs;
          if (entry.report.pending !== undefined) report.pending = entry.report.pending;
          reports.push(report);
          reused++;
          continue;
        }
        overlay.tracker = new ReadTracker();
        // The target and its run record are inputs too, read or not.
        overlay.get(target.id);
        overlay.get(run);
        ran.push({ run, key, tracker: overlay.tracker, report });
      }
      const session = new Session(
        gen.def.name,
        target,
        gen.def.parameters,
        overlay,
        pools,
        new Map((prev?.produced ?? []).map((e) => [e.id, e])),
        generatedIds,
        input.clock,
        input.shared,
      );
      try {
        await gen.run(session, overlay.hfid(target)?.join('/') ?? target.id);
        report.released = converge(prev, { generator: gen.def.name, target: target.id }, session.produced, session.allocations);
        report.logs = session.logs;
        advanceLifecycle(target.id, report);
      } finally {
        overlay.tracker = undefined;
      }
      reports.push(report);
    }
    // Runs whose target is gone (deleted, or no longer of the kind): let go of everything they held.
    if (input.target === undefined) {
      for (const run of [...runs.values()].filter((r) => r.generator === gen.def.name && !seen.has(r.target)).sort((a, b) => (a.target < b.target ? -1 : 1))) {
        const released = converge(run, undefined, new Map(), new Map());
        reports.push({ generator: gen.def.name, target: run.target, label: run.target, outcome: 'released', logs: [], released });
      }
    }
  }
  if (!input.generatorsOnly) completeUngenerated();
  if (input.target !== undefined && !targetFound) {
    // A misspelt target must not read as "up to date".
    throw new UsageError('generate/no-such-target', `nothing to generate for "${input.target}": no object with that id or human-friendly id is a target${input.generatorsOnly ? ' of the generators named' : ''}`, {
      hint: 'give a subscription id such as dia-0001 (`svc request list`, `svc list SvcSubscription`) or the id of an object a generator targets',
    });
  }
  const changeSet = overlay.changeSet();
  const settleMemo = (blobsOf: (ids: readonly string[]) => Map<string, string>) => {
    const out = new Map<string, MemoEntry | undefined>();
    const now = (id: string) => overlay.current(id);
    // Most reads saw the index's version of an object the generation leaves as it was: equal
    // without comparing contents.
    const touched = new Set([...changeSet.upserts.map((o) => o.id), ...changeSet.deletes]);
    const same = (id: string, seen: InventoryObject, final: InventoryObject) => (!touched.has(id) && overlay.isIndexVersion(seen)) || sameObject(seen, final);
    for (const r of ran) {
      const report = { logs: r.report.logs, ...(r.report.pending !== undefined ? { pending: r.report.pending } : {}) };
      out.set(r.run, r.tracker.settle(r.key, report, now, same, blobsOf));
    }
    return out;
  };
  return { changeSet, reports, reused, settleMemo };

  /** Returns the allocation records let go of. */
  function converge(prev: GeneratorRun | undefined, next: { generator: string; target: string } | undefined, produced: Map<string, ProducedEntry>, allocations: Map<string, AllocationRecord>): AllocationRecord[] {
    const id = prev?.id ?? (next ? runId(next.generator, next.target) : undefined);
    if (id === undefined) return [];
    const had = runs.get(id);
    if (had) count(had, -1);
    runs.delete(id);
    const heldElsewhere = (objectId: string) => producers.has(objectId);
    for (const e of [...(prev?.produced ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (produced.has(e.id) || heldElsewhere(e.id) || (!e.generated && !e.before)) continue;
      if (e.generated) {
        overlay.remove(e.id);
        generatedIds.delete(e.id);
      } else {
        restore(e);
      }
    }
    const kept = new Set([...allocations.values()].map((r) => `${r.type}\0${r.pool}\0${r.key}`));
    const released = (prev?.allocations ?? []).filter((r) => !kept.has(`${r.type}\0${r.pool}\0${r.key}`));
    pools.release(released);
    if (!next || (produced.size === 0 && allocations.size === 0)) {
      overlay.remove(id);
      return released;
    }
    const run: GeneratorRun = { id, generator: next.generator, target: next.target, produced: [...produced.values()], allocations: [...allocations.values()] };
    runs.set(id, run);
    count(run, 1);
    overlay.put(runToObject(run));
    return released;
  }

  /** Put back the values a generator replaced on an object it did not create. */
  function restore(e: ProducedEntry): void {
    const obj = overlay.get(e.id);
    if (!obj || !e.before) return;
    const next: InventoryObject = { ...obj, attributes: { ...obj.attributes }, relationships: { ...obj.relationships } };
    for (const [k, v] of Object.entries(e.before.attributes ?? {})) {
      if (v === null) delete next.attributes[k];
      else next.attributes[k] = v;
    }
    for (const [k, v] of Object.entries(e.before.relationships ?? {})) {
      if (v === null) delete next.relationships[k];
      else next.relationships[k] = v;
    }
    overlay.put(next);
  }

  /**
   * A product without a generator is implemented by its data alone: nothing else will fill its
   * fields, so its subscriptions in provisioning become active as soon as every field active
   * requires is there (given by the request, or edited in by hand), under the same rules as after a
   * generator's run.
   */
  function completeUngenerated(): void {
    for (const product of input.products?.products.values() ?? []) {
      if (product.implementedBy.length) continue;
      const kind = subscriptionKind(product.type);
      if (!schema.get(kind)) continue;
      for (const target of targetsOf(kind)) {
        if (input.target !== undefined) targetFound = true;
        if (target.attributes.status !== 'provisioning') continue;
        const report: TargetReport = { generator: null, target: target.id, label: labelOf(overlay, target), outcome: 'checked', logs: [], released: [] };
        advanceLifecycle(target.id, report);
        reports.push(report);
      }
    }
  }

  /** A subscription in provisioning becomes active once generation filled every field active requires. */
  function advanceLifecycle(targetId: string, report: TargetReport): void {
    const obj = overlay.get(targetId);
    if (!obj || !schema.isA(obj.kind, SUBSCRIPTION_GENERIC)) return;
    const product = productOfKind(input.products, obj.kind);
    const sub = subscriptionFromObject(obj);
    if (!product || sub.status !== 'provisioning') return;
    const rootRef = obj.relationships[product.rootBlock];
    try {
      const moved = transition(sub, 'active', {
        product,
        set: input.products!,
        root: rootRef && !Array.isArray(rootRef) ? rootRef : undefined,
        reader: overlay,
        dependents: dependentsCanBlock('active') ? findDependents(overlay, sub.id) : [],
        now: input.clock,
      });
      overlay.put(subscriptionToObject(moved.subscription, obj));
      report.lifecycle = { from: moved.from, to: moved.to };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      report.pending = e.message;
    }
  }
}

/**
 * Finding a subscription's dependents scans every block of the inventory; once per target that is
 * quadratic (1,000 new services: minutes). It is only needed when some state of a dependent could
 * block the move, which for → active none can.
 */
function dependentsCanBlock(to: LifecycleState): boolean {
  return LIFECYCLE_STATES.some((s) => !SAFE_USED_BY_TRANSITIONS[to].includes(s));
}

/** Terminated and initial subscriptions produce nothing: generation releases what they held. */
function shouldRun(schema: SchemaSet, target: InventoryObject): boolean {
  if (!schema.isA(target.kind, SUBSCRIPTION_GENERIC)) return true;
  const status = target.attributes.status;
  return status !== 'terminated' && status !== 'initial';
}

/** A generator targets a product (by name or type) or a schema kind. */
export function targetKind(def: GeneratorDefinition, schema: SchemaSet, products: ProductSet | undefined): string {
  const product = products ? [...products.products.values()].find((p) => p.name === def.targets || p.type === def.targets) : undefined;
  if (product) return subscriptionKind(product.type);
  if (schema.get(def.targets)) return def.targets;
  const names = [...(products?.products.keys() ?? []), ...schema.kinds.keys()];
  const hint = didYouMean(def.targets, names);
  throw new UsageError('generate/unknown-target', `generator ${def.name} targets "${def.targets}", which is neither a product nor a schema kind`, {
    hint: hint ?? 'set targets: to a product name from products/ or a kind from schemas/ in .orchestrator.yml',
  });
}

function productOfKind(products: ProductSet | undefined, kind: string): ProductDef | undefined {
  return products ? [...products.products.values()].find((p) => subscriptionKind(p.type) === kind) : undefined;
}

function labelOf(overlay: Overlay, obj: InventoryObject): string {
  const h = overlay.hfid(obj);
  return `${obj.kind} ${h ? h.join('/') : obj.id}`;
}
