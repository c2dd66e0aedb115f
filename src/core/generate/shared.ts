/**
 * Reservations shared by every branch (issue: parallel requests never collide). A request's
 * generation asks here before it keeps a resource, so two requests branched from the same commit
 * cannot both take VLAN 1000. The app layer implements it over the git ledger
 * (refs/svc/reservations); `svc generate` on a work tree runs without it.
 */
export interface SharedReservations {
  /**
   * The resource the shared record holds for `key` in `pool`; when it holds none, `choose` proposes
   * candidates (lowest first) and is told which are taken elsewhere.
   */
  reserve(pool: string, key: string, choose: (isTaken: (resource: string) => Promise<boolean>) => Promise<string | undefined>): Promise<string>;
  /**
   * Let go of `key`'s reservation (its resource no longer fits the request). What the request
   * reserved itself is freed; a resource the subscription held stays reserved until the request is
   * merged, so the key can take another meanwhile.
   */
  release(pool: string, key: string): Promise<void>;
}
