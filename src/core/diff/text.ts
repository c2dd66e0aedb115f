import type { Diff, ObjectChange, RelationshipChange } from './model.js';
import { allocationText, lifecycleText, peerText, rangeText, summaryText, valueText, type DiffRange } from './phrases.js';

/**
 * The diff for a terminal: call-outs first, then one block per kind, one line per object with a
 * marker (+ added, ~ changed or renamed, - removed) and its attribute and relationship changes
 * indented below. Colour comes from the caller (a chalk instance, or one with colour off).
 */

/** What the renderer needs of a colour library: chalk instances fit. */
export interface Colours {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export const noColours: Colours = { green: id, red: id, yellow: id, cyan: id, bold: id, dim: id };
function id(s: string): string {
  return s;
}

export interface TextOptions {
  colours?: Colours;
  range?: DiffRange;
  /** Longest value shown before it is cut (JSON values of bookkeeping objects are long). */
  maxValue?: number;
}

export function renderText(d: Diff, opts: TextOptions = {}): string {
  const c = opts.colours ?? noColours;
  const max = opts.maxValue ?? 200;
  const lines: string[] = [];
  const range = rangeText(opts.range);
  if (range) lines.push(c.bold(`Inventory diff ${range}`));
  if (!d.kinds.length && !d.hidden.length && !d.files.length) {
    lines.push('No inventory changes.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(summaryText(d));

  if (d.lifecycle.length) {
    lines.push('', c.bold('Lifecycle'));
    for (const l of d.lifecycle) {
      const t = lifecycleText(l);
      lines.push(`  ${l.kind} ${t.who}: ${c.cyan(t.move)}`);
    }
  }
  if (d.allocations.length) {
    lines.push('', c.bold('Allocations'));
    for (const a of d.allocations) {
      const t = allocationText(a);
      lines.push(`  ${a.action === 'allocated' ? c.green('+') : c.red('-')} ${t.what} ${c.dim(t.forWhom)}`);
    }
  }
  for (const k of d.kinds) {
    const counts = [k.added && c.green(`${k.added} added`), k.changed && c.yellow(`${k.changed} changed`), k.removed && c.red(`${k.removed} removed`)].filter(Boolean);
    lines.push('', `${c.bold(k.kind)}  ${counts.join(', ')}`);
    for (const o of k.objects) lines.push(...objectLines(o, c, max));
  }
  if (d.files.length) {
    lines.push('', c.bold('Files that are not readable objects'));
    for (const f of d.files) lines.push(`  ${c.yellow('?')} ${f.path} ${c.dim(`(${f.change}: ${f.problem})`)}`);
  }
  return `${lines.join('\n')}\n`;
}

const MARKER = { added: '+', changed: '~', renamed: '~', removed: '-' } as const;

function objectLines(o: ObjectChange, c: Colours, max: number): string[] {
  const paint = o.change === 'added' ? c.green : o.change === 'removed' ? c.red : c.yellow;
  let head = `  ${paint(MARKER[o.change])} ${o.label}`;
  if (o.change === 'renamed') head += c.dim(` (renamed from ${o.previousLabel ?? o.previousPath ?? '?'})`);
  const out = [head];
  for (const a of o.attributes) {
    const value =
      o.change === 'added' ? valueText(a.after, max) : o.change === 'removed' ? c.dim(valueText(a.before, max)) : `${c.red(valueText(a.before, max))} → ${c.green(valueText(a.after, max))}`;
    out.push(`      ${a.name}: ${value}`);
  }
  for (const r of o.relationships) out.push(`      ${r.name}: ${relationshipText(r, o.change, c)}`);
  return out;
}

function relationshipText(r: RelationshipChange, change: ObjectChange['change'], c: Colours): string {
  if (change === 'added') return r.added.map(peerText).join(', ');
  if (change === 'removed') return c.dim(r.removed.map(peerText).join(', '));
  if (r.cardinality === 'one' && r.added.length <= 1 && r.removed.length <= 1) {
    return `${c.red(r.removed[0] ? peerText(r.removed[0]) : '(none)')} → ${c.green(r.added[0] ? peerText(r.added[0]) : '(none)')}`;
  }
  return [...r.added.map((p) => c.green(`+ ${peerText(p)}`)), ...r.removed.map((p) => c.red(`- ${peerText(p)}`))].join(', ');
}

