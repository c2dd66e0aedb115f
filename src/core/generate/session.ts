import { UsageError, ValidationError } from '../errors.js';
import type { AttributeValue, InventoryObject, PeerRef } from '../inventory/model.js';
import { counterpart, storedRelationships } from '../inventory/ownership.js';
import { objectId } from '../inventory/paths.js';
import { normaliseValue, typeProblem } from '../inventory/values.js';
import type { KindSchema, RelationshipSchema } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import type { AllocationRecord } from '../pools/records.js';
import type {
  ClaimOptions,
  GeneratorLog,
  GeneratorSdk,
  Hfid,
  ListFilter,
  ObjectRef,
  PoolRef,
  PrefixRequest,
  SvcObject,
  UpsertData,
} from '../../sdk/index.js';
import { atCallSite } from './call-site.js';
import type { Overlay } from './overlay.js';
import { matches, pointsAt } from './overlay.js';
import type { PoolState } from './pool-state.js';
import type { Before, ProducedEntry } from './records.js';
import type { HolderOf, SharedReservations } from './shared.js';
import { claimExhausted } from '../pools/claims.js';

/** Enough holders to say who to ask, without reading the ledger for each of 10,000 candidates. */
const CLAIM_HOLDERS_LOOKED_UP = 50;

export interface LogLine {
  level: 'info' | 'warn' | 'debug';
  message: string;
}

/**
 * The SDK one generator run receives, over the generation's overlay. It records what the run
 * produces (for convergence) and what it allocates (for release), so the engine can make the
 * second run a no-op and a run that produces less delete what it no longer makes.
 */
export class Session implements GeneratorSdk {
  readonly produced = new Map<string, ProducedEntry>();
  readonly allocations = new Map<string, AllocationRecord>();
  readonly logs: LogLine[] = [];
  readonly log: GeneratorLog = {
    info: (m) => void this.logs.push({ level: 'info', message: String(m) }),
    warn: (m) => void this.logs.push({ level: 'warn', message: String(m) }),
    debug: (m) => void this.logs.push({ level: 'debug', message: String(m) }),
  };

  constructor(
    readonly generator: string,
    readonly target: SvcObject,
    readonly parameters: Readonly<Record<string, string | number | boolean>>,
    private readonly overlay: Overlay,
    private readonly pools: PoolState,
    /** This target's entries from its previous run: the original values of objects it patched live there. */
    private readonly previous: ReadonlyMap<string, ProducedEntry>,
    /** Ids some run created (deleted when the last producer lets go). */
    private readonly generatedIds: Set<string>,
    private readonly clock: () => Date,
    /** Present when the run must not take what another branch holds (requests). */
    private readonly shared?: SharedReservations,
  ) {}

  now(): Date {
    // A run that reads the clock cannot be judged by its reads: it is never remembered (./memo.ts).
    this.overlay.tracker?.markVolatile('read the clock');
    return this.clock();
  }

  async get(id: string): Promise<SvcObject | undefined> {
    return this.overlay.get(id);
  }

  async getByHfid<N extends string>(kind: N, hfid: Hfid): Promise<never> {
    this.kindOf(kind, false);
    return this.overlay.findByHfid(kind, typeof hfid === 'string' ? [hfid] : [...hfid]) as never;
  }

  async list<N extends string>(kind: N, filter: ListFilter = {}): Promise<never[]> {
    this.kindOf(kind, false);
    const attrs = (filter.attributes ?? {}) as Record<string, AttributeValue>;
    const rels = Object.entries(filter.relationships ?? {}).map(([name, ref]) => [name, this.resolve(ref).id] as const);
    // Through a relationship, start from the peer's edges (a site's few devices) rather than every
    // object of the kind: with 100,000 objects a query per target made generation quadratic.
    const first = rels[0];
    const found = first ? this.overlay.referrers(first[1], kind, first[0]).filter((o) => matches(o, attrs)) : this.overlay.query(kind, attrs);
    return found.filter((o) => rels.every(([name, id]) => pointsAt(o.relationships[name], id))) as never[];
  }

  async peer(object: SvcObject, relationship: string): Promise<SvcObject | undefined> {
    return (await this.peers(object, relationship))[0];
  }

  async peers(object: SvcObject, relationship: string): Promise<SvcObject[]> {
    const current = this.overlay.get(object.id) ?? (object as InventoryObject);
    const kind = this.kindOf(current.kind, false);
    const rel = this.relationship(kind, relationship);
    const stored = current.relationships[rel.name];
    if (stored !== undefined || storedRelationships(this.overlay.schema, kind).includes(rel)) {
      const refs = stored === undefined ? [] : Array.isArray(stored) ? stored : [stored];
      return refs.flatMap((r) => this.overlay.get(r.id) ?? []);
    }
    const other = counterpart(this.overlay.schema, kind, rel);
    return other ? this.overlay.referrers(current.id, rel.peer, other.name) : [];
  }

  async referrers<N extends string>(object: SvcObject, kind: N, relationship: string): Promise<never[]> {
    this.relationship(this.kindOf(kind, false), relationship);
    return this.overlay.referrers(object.id, kind, relationship) as never[];
  }

  async upsert<N extends string>(kindName: N, data: UpsertData): Promise<never> {
    const kind = this.kindOf(kindName, true);
    const fields = this.fields(kind, data);
    const draft: InventoryObject = { id: '', kind: kind.kind, attributes: fields.attributes, relationships: fields.relationships };
    const hfid = kind.human_friendly_id?.length ? this.overlay.hfid(draft) : undefined;
    if (kind.human_friendly_id?.length && !hfid) {
      throw new ValidationError('generate/no-hfid', `upsert ${kind.kind}: its human-friendly id (${kind.human_friendly_id.join(', ')}) is incomplete in the data given`, {
        hint: 'upsert finds the object by its human-friendly id: give every attribute and relationship it is made of, or use update() for an object found by id',
      });
    }
    const existing = hfid ? this.overlay.findByHfid(kind.kind, hfid) : undefined;
    if (!existing) {
      const id = objectId(kind.kind, hfid ?? [this.target.id, String(this.produced.size)]);
      this.generatedIds.add(id);
      this.produce({ id, generated: true });
      return this.store({ id, kind: kind.kind, attributes: fields.attributes, relationships: fields.relationships }, kind, fields.reverse) as never;
    }
    if (this.generatedIds.has(existing.id)) {
      // Generated objects are declared whole: what this run leaves out is removed.
      this.produce({ id: existing.id, generated: true });
      return this.store({ id: existing.id, kind: kind.kind, attributes: fields.attributes, relationships: fields.relationships }, kind, fields.reverse) as never;
    }
    return this.patchObject(existing, kind, fields) as never;
  }

  async update<O extends SvcObject>(object: O | ObjectRef, data: Partial<UpsertData<O>>): Promise<O> {
    const ref = this.resolve(object);
    const existing = this.overlay.get(ref.id)!;
    const kind = this.kindOf(existing.kind, true);
    const fields = this.fields(kind, { attributes: {}, ...data } as UpsertData);
    return this.patchObject(existing, kind, fields) as unknown as O;
  }

  /** Typed, checked attributes and resolved relationships, split by the side that stores them. */
  private fields(kind: KindSchema, data: UpsertData) {
    const attributes: Record<string, AttributeValue> = {};
    const givenAttrs: string[] = [];
    for (const [name, raw] of Object.entries(data.attributes ?? {})) {
      if (raw === undefined) continue;
      const attr = kind.attributes.find((a) => a.name === name);
      if (!attr) throw this.unknown(kind, 'attribute', name, kind.attributes.map((a) => a.name));
      givenAttrs.push(name);
      if (raw === null) continue;
      const problem = typeProblem(attr.kind, raw);
      if (problem) throw new ValidationError('generate/wrong-type', `${kind.kind}.${name}: ${problem}`);
      attributes[name] = normaliseValue(attr.kind, raw as AttributeValue);
    }
    const stored = storedRelationships(this.overlay.schema, kind);
    const relationships: Record<string, PeerRef | PeerRef[]> = {};
    const givenRels: string[] = [];
    const reverse: { rel: RelationshipSchema; peers: PeerRef[] }[] = [];
    for (const [name, value] of Object.entries(data.relationships ?? {})) {
      if (value === undefined) continue;
      const rel = this.relationship(kind, name);
      const refs = value === null ? [] : Array.isArray(value) ? (value as readonly ObjectRef[]).map((r) => this.resolve(r)) : [this.resolve(value as ObjectRef)];
      if (rel.cardinality === 'one' && refs.length > 1) throw new ValidationError('generate/cardinality', `${kind.kind}.${name} takes one peer, got ${refs.length}`);
      if (stored.includes(rel)) {
        givenRels.push(name);
        if (refs.length) relationships[name] = rel.cardinality === 'one' ? refs[0]! : sortRefs(refs);
      } else {
        reverse.push({ rel, peers: refs });
      }
    }
    return { attributes, relationships, reverse, givenAttrs, givenRels };
  }

  /** Objects no generator created (a switch port) are patched, and remember what they were. */
  private patchObject(existing: InventoryObject, kind: KindSchema, f: ReturnType<Session['fields']>): InventoryObject {
    const next: InventoryObject = {
      id: existing.id,
      kind: existing.kind,
      attributes: { ...existing.attributes },
      relationships: { ...existing.relationships },
    };
    for (const a of f.givenAttrs) {
      if (a in f.attributes) next.attributes[a] = f.attributes[a]!;
      else delete next.attributes[a];
    }
    for (const r of f.givenRels) {
      if (r in f.relationships) next.relationships[r] = f.relationships[r]!;
      else delete next.relationships[r];
    }
    if (this.generatedIds.has(existing.id)) this.produce({ id: existing.id, generated: true });
    else this.patch(existing, f.givenAttrs, f.givenRels);
    return this.store(next, kind, f.reverse);
  }

  private store(obj: InventoryObject, kind: KindSchema, reverse: { rel: RelationshipSchema; peers: PeerRef[] }[]): InventoryObject {
    this.overlay.put(obj);
    for (const { rel, peers } of reverse) this.setReverse(obj, kind, rel, peers);
    return obj;
  }

  async delete(ref: ObjectRef): Promise<void> {
    const obj = this.resolve(ref);
    this.overlay.remove(obj.id);
    this.produced.delete(obj.id);
  }

  allocateNumber(pool: PoolRef, identifier: string): Promise<number> {
    return atCallSite(async () => Number(await this.allocate(pool, identifier, {})));
  }

  allocatePrefix(pool: PoolRef, identifier: string, request: PrefixRequest = {}): Promise<string> {
    return atCallSite(() => this.allocate(pool, identifier, request.length === undefined ? {} : { length: request.length }));
  }

  allocateAddress(pool: PoolRef, identifier: string): Promise<string> {
    return atCallSite(() => this.allocate(pool, identifier, {}));
  }

  claim<N extends string>(kindName: N, candidates: readonly SvcObject[], identifier: string, options?: ClaimOptions): Promise<never> {
    return atCallSite(() => this.claimAt(kindName, candidates, identifier, options ?? {}));
  }

  private async claimAt<N extends string>(kindName: N, candidates: readonly SvcObject[], identifier: string, options: ClaimOptions): Promise<never> {
    this.kindOf(kindName, false);
    const key = this.key(identifier);
    const ids = candidates.map((c) => c.id);
    // Locally held claims of other targets are skipped before asking the shared record.
    const mine = this.pools.claimHolder(kindName, key);
    const local = ids.filter((id) => id === mine || !this.pools.isClaimed(kindName, id));
    const exhausted = async (holderOf?: HolderOf) => {
      const holders: { item: string; by: string }[] = [];
      for (const id of ids.slice(0, CLAIM_HOLDERS_LOOKED_UP)) {
        const localKey = this.pools.claimKeyOf(kindName, id);
        const shared = localKey === undefined || localKey === key ? await holderOf?.(id) : undefined;
        const by = shared ? (shared.state === 'held' ? shared.holder : this.claimantLabel(shared.key)) : localKey !== undefined ? this.claimantLabel(localKey) : 'someone';
        holders.push({ item: this.objectLabel(id), by });
      }
      return claimExhausted({ kind: kindName, identifier, among: typeof options?.among === 'string' ? options.among : undefined, candidates: ids.length, holders });
    };
    let offered = ids;
    if (this.shared) {
      const chosen = await this.shared.reserve(kindName, key, async (blocking, holderOf) => {
        for (const id of local) if ((await blocking(id)) === undefined) return id;
        throw await exhausted(holderOf);
      });
      if (!ids.includes(chosen)) {
        await this.shared.release(kindName, key);
        return this.claimAt(kindName, candidates, identifier, options);
      }
      offered = [chosen];
    } else if (!local.length) {
      throw await exhausted();
    }
    const held = this.pools.claimHolder(kindName, key);
    const id = this.pools.claim(kindName, offered, key, this.target.id);
    // Keeping a claim depends on the candidates (read); taking a new one on every other claim.
    if (id !== held) this.overlay.tracker?.markVolatile('new claim');
    this.allocations.set(`claim\0${kindName}\0${key}`, this.pools.recordOf(kindName, key, 'claim')!);
    return this.overlay.get(id) as never;
  }

  private async allocate(ref: PoolRef, identifier: string, request: { length?: number }): Promise<string> {
    const allocator = this.pools.allocator(ref);
    const key = this.key(identifier);
    const asked = { ...request, target: this.target.id };
    const held = allocator.holding(key);
    let resource: string;
    if (!this.shared) {
      resource = allocator.allocate(key, asked);
    } else {
      const poolId = allocator.pool.def.id;
      const space = this.pools.spaceOf(ref);
      const choose = async (blocking: (r: string) => Promise<string | undefined>) => {
        // Lowest free here, then skip what the shared record says another branch holds: the
        // candidate and whatever held resource overlaps it (a /27 over it, a /29 inside it).
        for (;;) {
          const r = allocator.allocate(key, asked);
          const held = await blocking(r);
          if (held === undefined) return r;
          allocator.release(key);
          allocator.exclude(r);
          allocator.exclude(held);
        }
      };
      resource = await this.shared.reserve(poolId, key, choose, space);
      if (!allocator.accepts(resource, asked)) {
        // A changed input (a larger prefix): give the old reservation back and take a fitting one.
        await this.shared.release(poolId, key);
        allocator.release(key);
        resource = await this.shared.reserve(poolId, key, choose, space);
      }
      allocator.hold(key, resource, this.target.id);
    }
    // Keeping an allocation depends on the pool (read); a new one on everything the pool holds.
    if (resource !== held) this.overlay.tracker?.markVolatile('new allocation');
    const record = allocator.recordOf(key)!;
    this.allocations.set(`${record.type}\0${record.pool}\0${key}`, record);
    return resource;
  }

  /** An object as users see it elsewhere: its hfid ("sw1-par01 / Ethernet1/1"), else its id. */
  private objectLabel(id: string): string {
    const obj = this.overlay.get(id);
    return (obj && this.overlay.hfid(obj)?.join(' / ')) || id;
  }

  /** Who a claim key (`target:identifier`) belongs to: its target's subscription when it has one. */
  private claimantLabel(key: string): string {
    const target = this.overlay.get(key.slice(0, key.indexOf(':')));
    const sub = target?.relationships.subscription;
    const subscription = sub && !Array.isArray(sub) ? this.overlay.get(sub.id)?.attributes.subscription_id : undefined;
    if (typeof subscription === 'string') return `subscription ${subscription}`;
    return target ? `${target.kind} ${this.objectLabel(target.id)}` : key;
  }

  /** Keys are scoped to the target, so two targets' identifiers never meet. */
  private key(identifier: string): string {
    if (!identifier) throw new UsageError('generate/no-identifier', 'allocations and claims need a non-empty identifier (e.g. "vlan")');
    return `${this.target.id}:${identifier}`;
  }

  private produce(entry: ProducedEntry): void {
    const had = this.produced.get(entry.id);
    if (!had) this.produced.set(entry.id, entry);
  }

  /** Remember the values a pre-existing object had before this target first changed them. */
  private patch(existing: InventoryObject, attrs: string[], rels: string[]): void {
    const entry = this.produced.get(existing.id) ?? { id: existing.id, generated: false, ...(this.previous.get(existing.id)?.before ? { before: clone(this.previous.get(existing.id)!.before!) } : {}) };
    const before: Before = entry.before ?? {};
    const prevBefore = this.previous.get(existing.id)?.before;
    for (const a of attrs) {
      before.attributes ??= {};
      if (!(a in before.attributes)) before.attributes[a] = prevBefore?.attributes && a in prevBefore.attributes ? prevBefore.attributes[a]! : (existing.attributes[a] ?? null);
    }
    for (const r of rels) {
      before.relationships ??= {};
      if (!(r in before.relationships)) before.relationships[r] = prevBefore?.relationships && r in prevBefore.relationships ? prevBefore.relationships[r]! : (existing.relationships[r] ?? null);
    }
    entry.before = before;
    this.produced.set(existing.id, entry);
  }

  /** A relationship set from the side that does not store it: write it on each peer instead. */
  private setReverse(obj: InventoryObject, kind: KindSchema, rel: RelationshipSchema, peers: PeerRef[]): void {
    const other = counterpart(this.overlay.schema, kind, rel);
    if (!other) throw new UsageError('generate/unstorable', `upsert ${kind.kind}: relationship ${rel.name} has no side to store it on`);
    for (const p of peers) {
      const peer = this.overlay.get(p.id);
      if (!peer) continue;
      const ref: PeerRef = { id: obj.id, kind: obj.kind };
      const current = peer.relationships[other.name];
      const next = other.cardinality === 'one' ? ref : sortRefs([...(Array.isArray(current) ? current : current ? [current] : []).filter((x) => x.id !== obj.id), ref]);
      if (!this.generatedIds.has(peer.id)) this.patch(peer, [], [other.name]);
      else this.produce({ id: peer.id, generated: true });
      this.overlay.put({ ...peer, relationships: { ...peer.relationships, [other.name]: next } });
    }
  }

  private resolve(ref: ObjectRef): PeerRef {
    if (!('id' in ref)) {
      const hfid: readonly string[] = typeof ref.hfid === 'string' ? [ref.hfid] : ref.hfid;
      const found = this.overlay.findByHfid(ref.kind, hfid);
      if (!found) throw new ValidationError('generate/dangling-reference', `no ${ref.kind} with human-friendly id ${JSON.stringify(ref.hfid)}`);
      return { id: found.id, kind: found.kind };
    }
    const obj = this.overlay.get(ref.id);
    if (!obj) throw new ValidationError('generate/dangling-reference', `no object with id ${ref.id}`);
    return { id: obj.id, kind: obj.kind };
  }

  private kindOf(name: string, concrete: boolean): KindSchema {
    const k = this.overlay.schema.get(name);
    if (!k) {
      const hint = didYouMean(name, this.overlay.schema.kinds.keys());
      throw new UsageError('generate/unknown-kind', `unknown kind ${name}`, hint ? { hint } : {});
    }
    if (concrete && k.isGeneric) throw new UsageError('generate/generic-kind', `cannot upsert ${name}: it is a generic; upsert one of ${k.used_by.join(', ')}`);
    return k;
  }

  private relationship(kind: KindSchema, name: string): RelationshipSchema {
    const rel = kind.relationships.find((r) => r.name === name);
    if (!rel) throw this.unknown(kind, 'relationship', name, kind.relationships.map((r) => r.name));
    return rel;
  }

  private unknown(kind: KindSchema, what: string, name: string, known: string[]): UsageError {
    const hint = didYouMean(name, known);
    return new UsageError('generate/unknown-field', `${kind.kind} has no ${what} ${name}`, { hint: hint ?? `its ${what}s: ${known.join(', ')}` });
  }
}

function sortRefs(refs: PeerRef[]): PeerRef[] {
  return [...new Map(refs.map((r) => [r.id, r])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
