import type { RelationshipSchema } from '../schema/model.js';
import { Batch } from './batch.js';
import type { Page } from './schema.js';
import { isEmptyFilter, type NodeFilter, type NodeRow, type QuerySource } from './source.js';

/**
 * One execution of a query: the batches its resolvers share. Each level of the query (the devices,
 * then their interfaces, then their addresses) is one batch per kind and relationship, whatever
 * the number of objects at that level.
 */
export class QueryRun {
  private readonly nodes: Batch<string, NodeRow | undefined>;
  private readonly peerBatches = new Map<string, Batch<string, string[]>>();
  private readonly filterBatches = new Map<string, Batch<string, boolean>>();
  private readonly rankBatches = new Map<string, Batch<string, number>>();

  constructor(private readonly source: QuerySource) {
    this.nodes = new Batch((ids) => source.nodes(ids), undefined);
  }

  node(id: string): Promise<NodeRow | undefined> {
    return this.nodes.get(id);
  }

  root(kind: string, filter: NodeFilter, page: Page): { count: number; ids: string[] } {
    const ids = this.source.select(kind, filter);
    return { count: ids.length, ids: slice(ids, page) };
  }

  private peers(row: NodeRow, rel: RelationshipSchema): Promise<string[]> {
    const key = `${row.kind}\0${rel.name}`;
    let b = this.peerBatches.get(key);
    if (!b) this.peerBatches.set(key, (b = new Batch((ids) => this.source.peers(row.kind, rel, ids), [])));
    return b.get(row.id);
  }

  async one(row: NodeRow, rel: RelationshipSchema): Promise<string | undefined> {
    // The kind's own file names the peer: no read at all.
    if (rel.name in row.ones) return row.ones[rel.name] ?? undefined;
    return (await this.peers(row, rel))[0];
  }

  async many(row: NodeRow, rel: RelationshipSchema, filter: NodeFilter, page: Page): Promise<{ count: number; ids: string[] }> {
    let ids = await this.peers(row, rel);
    if (!isEmptyFilter(filter)) {
      const key = `${rel.peer}\0${JSON.stringify(filter)}`;
      let b = this.filterBatches.get(key);
      if (!b) {
        this.filterBatches.set(key, (b = new Batch((within) => new Map(this.source.select(rel.peer, filter, within).map((id) => [id, true])), false)));
      }
      const batch = b;
      const pass = await Promise.all(ids.map((id) => batch.get(id)));
      ids = ids.filter((_, i) => pass[i]);
    }
    // Peers in the order the root field lists them (the peer kind's order_by).
    let b = this.rankBatches.get(rel.peer);
    if (!b) this.rankBatches.set(rel.peer, (b = new Batch((all) => this.source.rank(rel.peer, all), -1)));
    const batch = b;
    const ranks = await Promise.all(ids.map((id) => batch.get(id)));
    const ordered = ids.map((id, i) => ({ id, rank: ranks[i]! })).filter((x) => x.rank >= 0).sort((x, y) => x.rank - y.rank);
    return { count: ordered.length, ids: slice(ordered.map((x) => x.id), page) };
  }
}

const slice = (ids: string[], page: Page): string[] => (page.offset === 0 && page.limit === undefined ? ids : ids.slice(page.offset, page.limit === undefined ? undefined : page.offset + page.limit));
