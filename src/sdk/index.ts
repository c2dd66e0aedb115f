/**
 * svc/sdk: the contract between svc and a generator. Types only: a generator imports them with
 * `import type { GeneratorSdk } from 'svc/sdk'`, which TypeScript erases, so a catalog runs its
 * generators without installing anything. svc hands the implementation to the generator as its one
 * argument:
 *
 * ```ts
 * import type { GeneratorSdk } from 'svc/sdk';
 *
 * export default async function generate(sdk: GeneratorSdk): Promise<void> {
 *   const vlan = await sdk.allocateNumber('Customer vlan pool', 'vlan');
 *   await sdk.upsert('IpamVLAN', { attributes: { name: `${sdk.target.attributes.service_identifier}`, vlan_id: vlan } });
 * }
 * ```
 *
 * Rules every implementation keeps, so runs converge and repeat:
 * - Everything a run upserts is recorded as produced by this generator for this target; what a later
 *   run no longer upserts is deleted (unless another target still produces it).
 * - Allocations and claims are keyed by an identifier scoped to the target: asking again with the
 *   same identifier returns the same resource; what a run no longer asks for is released.
 * - Reads see the run's own writes. Lists come back in a stable order. Nothing depends on time
 *   except through `now()`, which tests fix.
 */

/** A typed attribute value, as stored in the inventory: never a number or boolean in a string. */
export type AttributeValue =
  | string
  | number
  | boolean
  | unknown[]
  | { [key: string]: unknown }
  | null;

/** A stored reference to another object, resolved to its stable id. */
export interface PeerRef {
  id: string;
  /** The peer's concrete kind. */
  kind: string;
}

/**
 * An inventory object. `Attrs` and `Rels` narrow it for a known kind; the defaults accept any.
 * Absent optional attributes are absent (not null).
 */
export interface SvcObject<
  Kind extends string = string,
  Attrs extends Record<string, AttributeValue> = Record<string, AttributeValue>,
  Rels extends Record<string, PeerRef | PeerRef[]> = Record<string, PeerRef | PeerRef[]>,
> {
  /** Stable for the object's life; survives renames. */
  readonly id: string;
  readonly kind: Kind;
  readonly attributes: Readonly<Attrs>;
  /** `one` relationships hold a PeerRef, `many` relationships a sorted array. */
  readonly relationships: Readonly<Rels>;
}

/**
 * Kind name → object type. A catalog may declare its own (by hand, or generated from its schema) and
 * pass it as `GeneratorSdk<Target, Params, Kinds>`; then `list('DcimInterface')` returns typed objects.
 * Kinds not in the map still work, untyped.
 */
export type KindMap = Record<string, SvcObject>;

/** The object type of `N` in `K`, or a plain object for kinds the map does not know. */
export type ObjectOf<K extends KindMap, N extends string> = N extends keyof K ? K[N] : SvcObject<N>;

/** A human-friendly id: its components in the kind's `human_friendly_id` order; one string when it has one. */
export type Hfid = string | readonly string[];

/** How an upsert or a filter names another object. */
export type ObjectRef = SvcObject | { id: string } | { kind: string; hfid: Hfid };

/** Equality filters for `list`; every given entry must match. */
export interface ListFilter<O extends SvcObject = SvcObject> {
  /** Attribute name → the value it must have (compared as stored: typed, not as text). */
  attributes?: { [A in keyof O['attributes']]?: O['attributes'][A] };
  /** Relationship name → the object (or one of the objects) it must point at. */
  relationships?: Record<string, ObjectRef>;
}

/** What to write: attributes as values, relationships as references to other objects. */
export interface UpsertData<O extends SvcObject = SvcObject> {
  /** The whole attribute set of the object as this generator wants it; the kind's hfid is taken from it. */
  attributes: { [A in keyof O['attributes']]?: O['attributes'][A] };
  /** `one` relationships take one reference (or null to clear), `many` relationships a list. */
  relationships?: Record<string, ObjectRef | readonly ObjectRef[] | null>;
}

/** Which pool to allocate from: its name (its human-friendly id) or its inventory id. */
export type PoolRef = string | { id: string };

export interface PrefixRequest {
  /** The prefix length to allocate, e.g. 29; the pool's default prefix length when absent. */
  length?: number;
}

export interface GeneratorLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/**
 * What a generator receives. `Target` is the subscription (or object) the generator runs for;
 * `Params` its parameters from .orchestrator.yml; `Kinds` optionally types the objects it reads.
 */
export interface GeneratorSdk<
  Target extends SvcObject = SvcObject,
  Params extends Record<string, string | number | boolean> = Record<string, string | number | boolean>,
  Kinds extends KindMap = KindMap,
> {
  /** The generator's name as declared in .orchestrator.yml. */
  readonly generator: string;
  /** The object this run is for, as the inventory holds it at the start of the run. */
  readonly target: Target;
  /** The generator's parameters from .orchestrator.yml, with their defaults applied. */
  readonly parameters: Readonly<Params>;

  /** The object with this id, whatever its kind; undefined when there is none. */
  get(id: string): Promise<SvcObject | undefined>;
  /** The object of `kind` (a generic matches every kind inheriting it) with this human-friendly id. */
  getByHfid<N extends string>(kind: N, hfid: Hfid): Promise<ObjectOf<Kinds, N> | undefined>;
  /** Every object of `kind` matching `filter`, sorted by human-friendly id (then id). */
  list<N extends string>(kind: N, filter?: ListFilter<ObjectOf<Kinds, N>>): Promise<ObjectOf<Kinds, N>[]>;
  /** The peer of a `one` relationship; undefined when unset. */
  peer(object: SvcObject, relationship: string): Promise<SvcObject | undefined>;
  /** The peers of a relationship (either cardinality), sorted by human-friendly id. */
  peers(object: SvcObject, relationship: string): Promise<SvcObject[]>;
  /**
   * Objects of `kind` whose `relationship` points at `object`: the way back along a relationship
   * that the other side stores (e.g. the interfaces of a device).
   */
  referrers<N extends string>(object: SvcObject, kind: N, relationship: string): Promise<ObjectOf<Kinds, N>[]>;

  /**
   * Creates the object, or replaces the one of `kind` with the same human-friendly id (computed from
   * `data`). The result is recorded as produced by this run. An unchanged object is left as it is,
   * byte for byte. Returns the object as stored (with its id, existing or new).
   */
  upsert<N extends string>(kind: N, data: UpsertData<ObjectOf<Kinds, N>>): Promise<ObjectOf<Kinds, N>>;
  /**
   * Changes some fields of an existing object found by id (or reference), leaving the others as they
   * are: the way to fill in the outputs of a product block, which has no human-friendly id. Like
   * `upsert`, the change is recorded as produced by this run; on an object no generator created, the
   * values it replaced are remembered and put back when the generator stops producing it.
   */
  update<O extends SvcObject>(object: O | ObjectRef, data: Partial<UpsertData<O>>): Promise<O>;
  /**
   * Deletes an object now. Rarely needed: what a run stops producing is deleted anyway. Deleting an
   * object also releases the allocations and claims it held.
   */
  delete(object: ObjectRef): Promise<void>;

  /**
   * The next free number of a number pool, lowest first, keyed by `identifier` (unique within this
   * target, e.g. "vlan"): the same identifier gets the same number on every run. Throws a
   * `pools/exhausted` error naming the pool, its size and its use when none is free.
   */
  allocateNumber(pool: PoolRef, identifier: string): Promise<number>;
  /** The next free prefix of a prefix pool (aligned, lowest first), e.g. "10.0.0.8/29"; keyed like allocateNumber. */
  allocatePrefix(pool: PoolRef, identifier: string, request?: PrefixRequest): Promise<string>;
  /** The next free address of an address pool with its prefix length, e.g. "10.0.0.2/24"; keyed like allocateNumber. */
  allocateAddress(pool: PoolRef, identifier: string): Promise<string>;
  /**
   * Claims one object out of `candidates` (e.g. the free customer ports of a switch) without a pool:
   * the first candidate, in the order given, that no other key holds. The same identifier returns
   * what it already holds when that is still among the candidates. Other targets, and other branches,
   * never get the same object while this claim stands. Throws a `claims/exhausted` error when every
   * candidate is held, naming how many there were, who holds them and `options.among`.
   */
  claim<N extends string>(kind: N, candidates: readonly ObjectOf<Kinds, N>[], identifier: string, options?: ClaimOptions): Promise<ObjectOf<Kinds, N>>;

  /** Messages shown with the run's output (and in `--format json`), in the order logged. */
  readonly log: GeneratorLog;
  /** The current time, from svc's clock; tests and `--check` fix it, so never use `new Date()`. */
  now(): Date;
}

export interface ClaimOptions {
  /** What the candidates are, in words, for the error when none is free (e.g. "customer ports at par01"). */
  among?: string;
}

/** The function a generator module exports, as its default export or as `generate`. */
export type GenerateFunction<Sdk extends GeneratorSdk = GeneratorSdk> = (sdk: Sdk) => Promise<void>;
