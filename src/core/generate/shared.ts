import type { Reservation } from '../reservations/model.js';
/**
 * Reservations shared by every branch (issue: parallel requests never collide). A request's
 * generation asks here before it keeps a resource, so two requests branched from the same commit
 * cannot both take VLAN 1000. The app layer implements it over the git ledger
 * (refs/svc/reservations); `svc generate` on a work tree runs without it.
 */
/** Who holds exactly `resource` in the pool (its reservation), for errors that name holders. */
export type HolderOf = (resource: string) => Promise<Pick<Reservation, 'holder' | 'key' | 'state'> | undefined>;

export interface SharedReservations {
  /**
   * The resource the shared record holds for `key` in `pool`; when it holds none, `choose` proposes
   * candidates (lowest first) and is told, for each, the resource held elsewhere that stands in its
   * way (undefined: it is free). An IP pool names its `space` (ipSpace in core/reservations/
   * overlap.ts): then any held resource of the space that overlaps the candidate stands in its way.
   */
  reserve(pool: string, key: string, choose: (blocking: (resource: string) => Promise<string | undefined>, holderOf: HolderOf) => Promise<string | undefined>, space?: string): Promise<string>;
  /**
   * Let go of `key`'s reservation (its resource no longer fits the request). What the request
   * reserved itself is freed; a resource the subscription held stays reserved until the request is
   * merged, so the key can take another meanwhile.
   */
  release(pool: string, key: string): Promise<void>;
}
