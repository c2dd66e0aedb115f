import type { Diff, KindChanges, ObjectChange, RelationshipChange } from './model.js';
import { cutNodes, diffGraph, renderMermaid } from './mermaid.js';
import { allocationText, lifecycleText, peerText, plural, summaryText, valueText, type DiffRange } from './phrases.js';

/**
 * The pull request body: a title, the summary table (kind, added, changed, removed), the lifecycle
 * and allocation call-outs, then one collapsed <details> section per kind with a before/after table
 * per object. GitHub refuses bodies over 65,536 characters, so a length budget can be given: the
 * summary always shows, the rest is cut at object boundaries with a note saying what was left out.
 */

/** GitHub's limit on a pull request body or a comment, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface MarkdownOptions {
  range?: DiffRange;
  /** Longest output, in characters; unlimited when absent. */
  maxLength?: number;
  /** Longest value in a table cell. */
  maxValue?: number;
  /** Open with the Mermaid picture of what changed (default true). */
  diagram?: boolean;
}

/** Room kept for the closing note when the budget runs out. */
const RESERVE = 400;
/** Room for a section's "… and N more" line and closing tag. */
const CLOSING = 80;

export function renderMarkdown(d: Diff, opts: MarkdownOptions = {}): string {
  const max = opts.maxValue ?? 200;
  const budget = opts.maxLength ?? Number.POSITIVE_INFINITY;
  const out: string[] = [];
  let size = 0;
  const add = (s: string) => {
    out.push(s);
    size += s.length + 1;
  };
  const fits = (s: string) => size + s.length + 1 + RESERVE <= budget;

  add(opts.range ? `### Inventory diff: ${code(opts.range.base)} → ${code(opts.range.head)}` : '### Inventory diff');
  add('');
  if (!d.kinds.length && !d.hidden.length && !d.files.length) {
    add('No inventory changes.');
    return `${out.join('\n')}\n`;
  }
  if (d.kinds.length && opts.diagram !== false) {
    // The picture first: reviewers look before they read. It yields to the tables when room is short.
    const graph = diffGraph(d);
    const cut = cutNodes(graph);
    const block = `\`\`\`mermaid\n${renderMermaid(graph)}\`\`\`\n${cut ? `\n> The diagram shows ${graph.nodes.length - cut} of ${graph.nodes.length} objects; the tables below list every change.\n` : ''}`;
    if (size + block.length <= (budget - RESERVE) / 2) add(block);
  }
  add(escapeText(summaryText(d)));
  add('');
  if (d.kinds.length) {
    add('| kind | added | changed | removed |');
    add('| :--- | ---: | ---: | ---: |');
    for (const k of d.kinds) add(`| ${escapeText(k.kind)} | ${k.added} | ${k.changed} | ${k.removed} |`);
    add(`| **total** | **${d.summary.added}** | **${d.summary.changed}** | **${d.summary.removed}** |`);
    add('');
  }

  let cut = false;
  const listSection = <T>(title: string, items: readonly T[], line: (x: T) => string, noun: string) => {
    if (!items.length) return;
    add(`**${title}**`);
    add('');
    let shown = 0;
    for (const x of items) {
      const l = line(x);
      if (!fits(l)) break;
      add(l);
      shown++;
    }
    if (shown < items.length) {
      add(`- … and ${plural(items.length - shown, noun)} more`);
      cut = true;
    }
    add('');
  };
  listSection('Lifecycle', d.lifecycle, (l) => {
    const t = lifecycleText(l);
    return `- ${code(l.kind)} **${escapeText(t.who)}**: ${code(l.from ?? 'new')} → ${code(l.to ?? 'deleted')}`;
  }, 'move');
  listSection('Allocations', d.allocations, (a) => {
    const t = allocationText(a);
    return `- ${a.action === 'allocated' ? '➕' : '➖'} ${escapeText(t.what)} ${escapeText(t.forWhom)}`;
  }, 'allocation');

  // Each kind gets an even share of what is left, so a cut body still shows every kind; room a
  // small kind does not use goes to the kinds after it.
  let left = 0;
  d.kinds.forEach((k, i) => {
    const cap = size + (budget - RESERVE - size) / (d.kinds.length - i) - CLOSING;
    const shown = kindSection(k, max, add, (s) => fits(s) && size + s.length + 1 <= cap);
    if (shown < k.objects.length) {
      cut = true;
      left += k.objects.length - shown;
    }
  });
  if (d.files.length && !cut) {
    add('**Files that are not readable objects**');
    add('');
    for (const f of d.files) add(`- ${code(f.path)} (${f.change}): ${escapeText(f.problem)}`);
    add('');
  }
  if (cut) add(`> Cut to fit${left ? `: ${plural(left, 'object')} more not shown` : ''}. Run \`svc diff\` on the branch to see everything.`);
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** One kind's collapsed section; returns how many objects fitted. */
function kindSection(k: KindChanges, max: number, add: (s: string) => void, fits: (s: string) => boolean): number {
  const counts = [k.added && `${k.added} added`, k.changed && `${k.changed} changed`, k.removed && `${k.removed} removed`].filter(Boolean).join(', ');
  const open = `<details>\n<summary><b>${html(k.kind)}</b>: ${counts}</summary>\n`;
  if (!fits(open)) return 0;
  add(open);
  let shown = 0;
  for (const o of k.objects) {
    const block = objectBlock(o, max);
    if (!fits(block)) {
      add(`… and ${plural(k.objects.length - shown, 'object')} more`);
      break;
    }
    add(block);
    shown++;
  }
  add('</details>');
  add('');
  return shown;
}

const VERB = { added: 'added', changed: 'changed', renamed: 'renamed', removed: 'removed' } as const;

function objectBlock(o: ObjectChange, max: number): string {
  let head = `**${VERB[o.change]}** ${code(o.label)}`;
  if (o.change === 'renamed') head += ` (was ${code(o.previousLabel ?? o.previousPath ?? '?')})`;
  const rows: string[] = [];
  const two = o.change === 'added' || o.change === 'removed';
  for (const a of o.attributes) {
    if (two) rows.push(`| ${escapeText(a.name)} | ${cell(valueText(o.change === 'added' ? a.after : a.before, max))} |`);
    else rows.push(`| ${escapeText(a.name)} | ${a.before === undefined ? '' : cell(valueText(a.before, max))} | ${a.after === undefined ? '' : cell(valueText(a.after, max))} |`);
  }
  for (const r of o.relationships) {
    if (two) rows.push(`| ${escapeText(r.name)} | ${peers(o.change === 'added' ? r.added : r.removed)} |`);
    else rows.push(`| ${escapeText(r.name)} | ${relCell(r, 'removed')} | ${relCell(r, 'added')} |`);
  }
  if (!rows.length) return `${head}\n`;
  const header = two ? '| | value |\n| :--- | :--- |' : '| | before | after |\n| :--- | :--- | :--- |';
  return `${head}\n\n${header}\n${rows.join('\n')}\n`;
}

function relCell(r: RelationshipChange, side: 'added' | 'removed'): string {
  const list = r[side];
  if (r.cardinality === 'one') return peers(list);
  return list.map((p) => `${side === 'added' ? '+' : '−'}${cell(peerText(p))}`).join(' ');
}

const peers = (list: RelationshipChange['added']): string => list.map((p) => cell(peerText(p))).join(' ');

/** Inline code, safe inside a table cell: pipes escaped, line breaks flattened, backticks fenced. */
export function code(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const ticks = flat.includes('`') ? '``' : '`';
  const pad = ticks.length > 1 || flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

const cell = code;

/** Plain text in markdown: characters that would start formatting or break a table are escaped. */
export function escapeText(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]|<>#])/g, '\\$1');
}

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
