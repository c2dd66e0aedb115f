/**
 * Reservations: claims on pool resources (a VLAN, a prefix, a switch port) shared by every branch.
 * The ledger holding them lives in git (see src/adapters/git/ledger.ts); this folder is its pure
 * logic: which resource to take, what changes, what conflicts.
 */
export type ReservationState = 'held' | 'permanent';

export interface Reservation {
  pool: string;
  /** The resource as the pool writes it (e.g. "1000", "10.0.4.0/31", "sw1:Ethernet12"). */
  resource: string;
  /** Idempotency identifier: the same key in the same pool always gets the same resource. */
  key: string;
  /** Who holds it while it is not permanent: the request branch name (e.g. request/r-42). */
  holder: string;
  state: ReservationState;
  /** ISO 8601, from the injected clock (for a reservation being let go of: when that began). */
  created: string;
  /**
   * The request branch that lets go of it (a terminate, a modify that swaps the resource). The
   * resource stays reserved until that request is merged, and comes back to its key if the request
   * is abandoned: a request that never lands frees nothing. Such a reservation sits under a key of
   * its own (retiredKey), so the subscription's key can take a new resource meanwhile.
   */
  releasedBy?: string;
  /**
   * The address space an IP resource is compared in (ipSpace in ./overlap.ts: kind and IP
   * namespace). Two reservations of one space, in any pools, never overlap. Absent for numbers,
   * claims and ids, which are taken only by equal text within their pool, and for reservations
   * written before svc recorded it.
   */
  space?: string;
  /**
   * The process that made it (`host boot-id pid start-time`, see adapters/process.ts), so that a
   * reservation of a request killed before its branch existed can be released as soon as that
   * process is provably dead, not after the gc grace period. Absent in older ledgers.
   */
  process?: string;
  /** Why it is held, for a reservation made by hand (`svc pools reserve --for`); see ./manual.ts. */
  note?: string;
}

export interface ReservationRef {
  pool: string;
  key: string;
}

/**
 * The primitive changes every ledger operation is made of. Each ledger commit records its ops, so
 * changes made offline can be replayed on top of the shared record later.
 */
export type LedgerOp = { op: 'put'; reservation: Reservation } | { op: 'drop'; pool: string; key: string };

/** An op that could not be applied because the record already says otherwise. */
export interface ReservationConflict {
  op: LedgerOp;
  message: string;
  /** The reservation that stands in the way, when there is one. */
  existing?: Reservation | undefined;
}

/** Is `resource` taken in the pool? Reads only the shards it needs, so it stays cheap on a large ledger. */
export interface UsedResources {
  has(resource: string): Promise<boolean>;
  /**
   * The held resource that stands in the way of `resource`: the same text in the pool, or (in a
   * space) any resource of the space that overlaps it, in whatever pool. Undefined when it is free.
   */
  blocking(resource: string): Promise<string | undefined>;
  /** The reservation holding exactly `resource` in the pool, so an error can say who holds it. */
  holderOf(resource: string): Promise<Reservation | undefined>;
  /**
   * The first of `candidates` that nobody holds, checking them in batches so a pool that is mostly
   * full costs one round of reads per batch, not one per candidate. Undefined when all are taken.
   */
  firstFree(candidates: Iterable<string>, batchSize?: number): Promise<string | undefined>;
}

/**
 * Picks a free resource; undefined when the pool is exhausted. The pool arithmetic (src/core/pools)
 * supplies it; starting the candidates from a hash of the key keeps probes few in a busy pool.
 */
export type Choose = (used: UsedResources) => string | undefined | Promise<string | undefined>;
