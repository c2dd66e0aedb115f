import { releaseReservations, reserveResource } from '../adapters/git/reservations.js';
import type { SharedReservations } from '../core/generate/shared.js';

/**
 * The shared reservations of one request, over the git ledger (refs/svc/reservations, pushed to
 * the remote when there is one). Remembers what it reserved so a failed request gives it back, and
 * whether everything reached the remote.
 */
export class LedgerReservations implements SharedReservations {
  private readonly made: { pool: string; key: string }[] = [];
  /** Why a reservation is only local (no remote, or it could not be reached), when one is. */
  offline: string | undefined;
  /** Reservations this request holds, resource by key, for the report. */
  readonly held = new Map<string, string>();

  constructor(
    private readonly repo: string,
    private readonly holder: string,
    private readonly clock: () => Date,
  ) {}

  async reserve(pool: string, key: string, choose: (isTaken: (r: string) => Promise<boolean>) => Promise<string | undefined>): Promise<string> {
    const out = await reserveResource({ repo: this.repo, clock: this.clock }, { pool, key, holder: this.holder }, (used) => choose((r) => used.has(r)));
    if (!out.value.existing) this.made.push({ pool, key });
    if (!out.shared) this.offline ??= out.offlineReason ?? 'the repository has no remote';
    this.held.set(`${pool}\0${key}`, out.value.reservation.resource);
    return out.value.reservation.resource;
  }

  async release(pool: string, key: string): Promise<void> {
    await releaseReservations({ repo: this.repo, clock: this.clock }, [{ pool, key }]);
    this.held.delete(`${pool}\0${key}`);
  }

  /** Give back what this request reserved: it did not get committed. Best effort: gc reclaims the rest. */
  async rollback(): Promise<void> {
    if (!this.made.length) return;
    try {
      await releaseReservations({ repo: this.repo, clock: this.clock }, this.made);
    } catch {
      /* `svc pools gc` reclaims reservations of branches that never came to exist */
    }
  }
}
