import { Option, type Command } from 'commander';
import type { ObjectView } from '../../app/inventory.js';
import { requireCatalog } from '../catalog.js';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';
import { renderTable } from '../render/table.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

/**
 * `svc list` and `svc show`. Output: a table (list) or text (show) on a terminal, JSON when the
 * output is piped, so scripts get a stable format without asking; `--format` overrides either way.
 * The app module (SQLite, the schema loader) is imported when a command runs, not at start-up.
 */
type ListFormat = 'table' | 'json' | 'yaml';
type ShowFormat = 'text' | 'json' | 'yaml';

const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const hfidText = (p: { id: string; hfid: string[] | null }) => (p.hfid ? p.hfid.join(' / ') : p.id);

async function structured(c: CliContext, format: 'json' | 'yaml', value: unknown): Promise<void> {
  if (format === 'json') c.out(jsonDocument(value));
  else c.out((await import('yaml')).stringify(value));
}

export function registerInventory(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('list')
    .description('list the objects of a kind (a generic lists every kind that inherits it)')
    .argument('<kind>', 'a kind, e.g. DcimDevice')
    .option('--filter <key=value>', 'keep objects whose attribute equals the value, or whose relationship names that peer by id or hfid ("a / b" for several components; empty: none); also != > >= < <= and ~ (a regular expression): \'vlan_id>=1000\', \'name~^sw\'; repeatable, combined with AND', collect, [])
    .option('--sort <field>', 'sort by an attribute, a relationship or id (-field: descending)')
    .option('--limit <n>', 'show at most n objects (after sorting)')
    .option('--fields <a,b>', 'show only these fields (id, attributes, relationships), in this order')
    .option('--no-pager', 'do not page the table on a terminal ($SVC_PAGER, $PAGER or less)')
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, json otherwise)').choices(['table', 'json', 'yaml']))
    .addHelpText('after', "\nExamples:\n  svc list DcimInterfaceL2 --filter status=free --filter device=sw01-par01\n  svc list IpamVLAN --filter 'vlan_id>=1000' --sort -vlan_id --limit 5\n  svc list DcimDevice --filter 'name~^sw' --fields name,role,location\n")
    .action(async (kind: string, opts: { filter: string[]; sort?: string; limit?: string; fields?: string; pager: boolean; format?: ListFormat }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { listObjects, listFields } = await import('../../app/inventory.js');
      const { parseFields, parseLimit } = await import('../../core/inventory/list-query.js');
      const limit = opts.limit === undefined ? undefined : parseLimit(opts.limit);
      const { schema, objects, total } = await listObjects(catalog, kind, opts.filter, { status: c.earlyStatus?.(catalog.root), ...(opts.sort !== undefined ? { sort: opts.sort } : {}), ...(limit !== undefined ? { limit } : {}) });
      const fields = opts.fields === undefined ? undefined : parseFields(opts.fields, listFields(schema, kind));
      const format = opts.format ?? (c.isTTY ? 'table' : 'json');
      if (format !== 'table') return structured(c, format, fields ? objects.map((o) => pick(o, fields)) : objects);
      const k = schema.get(kind)!;
      const generic = k.isGeneric;
      const attrs = k.attributes.map((a) => a.name);
      const ones = [...new Set(objects.flatMap((o) => o.relationships.filter((r) => r.cardinality === 'one').map((r) => r.name)))];
      const columns = fields ?? ['id', ...attrs, ...ones];
      const headers = [...(generic ? ['kind'] : []), ...columns];
      const rows = objects.map((o: ObjectView) => [...(generic ? [o.kind] : []), ...columns.map((f) => fieldText(o, f))]);
      const count = total === objects.length ? `${total} ${total === 1 ? 'object' : 'objects'}` : `${objects.length} of ${total} objects (--limit)`;
      const text = `${renderTable(headers, rows)}${c.color.dim(count)}\n`;
      if (opts.pager) await (await import('../pager.js')).page(c, text);
      else c.out(text);
      setExit(0);
    });

  program
    .command('show')
    .description('show one object: its attributes and its relationships in both directions')
    .argument('<kind>', 'a kind, e.g. DcimDevice')
    .argument('<id-or-hfid...>', 'the object id, or its human-friendly id (one argument per component)')
    .addOption(new Option('--format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['text', 'json', 'yaml']))
    .option('--graph', 'print a Mermaid flowchart of the object and what its relationships name, one hop out, both directions')
    .action(async (kind: string, ref: string[], opts: { format?: ShowFormat; graph?: boolean }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { showObject } = await import('../../app/inventory.js');
      const view = await showObject(catalog, kind, ref, { status: c.earlyStatus?.(catalog.root) });
      if (opts.graph) return showGraph(c, view);
      const format = opts.format ?? (c.isTTY ? 'text' : 'json');
      if (format !== 'text') return structured(c, format, view);
      const b = c.color.bold;
      c.out(`${b(view.kind)} ${hfidText(view)}\n  id    ${view.id}\n  file  ${view.path}\n`);
      const attrs = Object.entries(view.attributes);
      c.out(`${b('attributes')}\n`);
      if (attrs.length) c.out(indent(renderTable(['name', 'value'], attrs.map(([k, v]) => [k, cell(v)]))));
      c.out(`${b('relationships')}\n`);
      const rows = view.relationships.flatMap((r) => r.peers.map((p) => [r.name, r.direction === 'out' ? '→' : '←', p.kind, hfidText(p)]));
      if (rows.length) c.out(indent(renderTable(['name', 'dir', 'kind', 'peer'], rows)));
      else c.out('  (none)\n');
      setExit(0);
    });
}

const indent = (text: string) => text.replace(/^(?=.)/gm, '  ');

async function showGraph(c: CliContext, view: ObjectView): Promise<void> {
  const { neighbourhoodGraph, renderMermaid } = await import('../../core/diff/mermaid.js');
  const rels = view.relationships.map((r) => ({ name: r.name, direction: r.direction, peers: r.peers.map((p) => ({ kind: p.kind, id: p.id, label: hfidText(p) })) }));
  c.out(renderMermaid(neighbourhoodGraph({ kind: view.kind, id: view.id, label: hfidText(view), relationships: rels })));
}

/** One field of a row: an attribute's value, or a relationship's peers (hfids) joined by ", ". */
function fieldText(o: ObjectView, f: string): string {
  if (f === 'id') return o.id;
  const r = o.relationships.find((x) => x.name === f);
  if (r) return r.peers.map(hfidText).join(', ');
  return cell(o.attributes[f]);
}

/** `--fields` in JSON and YAML: the object's identity and just those fields. */
function pick(o: ObjectView, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: o.id, kind: o.kind, hfid: o.hfid };
  for (const f of fields) {
    if (f === 'id') continue;
    const r = o.relationships.find((x) => x.name === f);
    out[f] = r ? r.peers.map((p) => ({ id: p.id, kind: p.kind, hfid: p.hfid })) : (o.attributes[f] ?? null);
  }
  return out;
}
