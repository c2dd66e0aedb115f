import type { ChalkInstance } from 'chalk';
import type { PoolShow } from '../../app/pool-show.js';
import type { TreeNode } from '../../core/pools/tree.js';
import { utilisationJson } from '../../core/pools/utilisation.js';
import { formatCount, formatPercent } from '../../core/pools/utilisation.js';

/** The documented JSON of `svc pools show --format json`. */
export function poolShowJson(s: PoolShow) {
  return {
    ...utilisationJson(s.utilisation),
    extent: s.extent,
    reserved: s.reserved,
    ...(s.tree ? { tree: s.tree } : {}),
    ...(s.ranges ? { ranges: s.ranges } : {}),
  };
}

/** [branch and prefix, state and holders] per line, so the caller can align the second column. */
function treeLines(nodes: readonly TreeNode[], indent: string, color: ChalkInstance): [string, string][] {
  const out: [string, string][] = [];
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    const state = n.state === 'free' ? color.green('free') : color.yellow('used');
    out.push([`${indent}${last ? '└── ' : '├── '}${n.prefix}`, `${state}${n.by.length ? `  ${n.by.join('; ')}` : ''}`]);
    out.push(...treeLines(n.children, indent + (last ? '    ' : '│   '), color));
  });
  return out;
}

/** The pool's tree (IP pools) or ranges (number pools), for people. */
export function renderPoolShow(s: PoolShow, color: ChalkInstance): string {
  const u = s.utilisation;
  let out = `${color.bold(s.name)} (${s.type} pool, ${s.extent}): ${formatCount(u.used)} of ${formatCount(u.size)} ${u.unit} used by the inventory and generator runs (${formatPercent(u)})`;
  out += s.reserved ? `; ${s.reserved} ledger reservation(s) shown too\n` : '\n';
  for (const root of s.tree ?? []) {
    out += `${root.prefix}\n`;
    const lines = treeLines(root.children, '', color);
    const width = Math.max(0, ...lines.map(([l]) => l.length));
    out += lines.map(([l, r]) => `${l.padEnd(width)}  ${r}\n`).join('');
  }
  for (const r of s.ranges ?? []) {
    const span = r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`;
    const n = r.end - r.start + 1;
    out += `  ${span.padEnd(11)}  ${r.state === 'free' ? color.green('free') : color.yellow('used')}  ${n === 1 ? '' : `(${n})`}${r.by.length ? `${n === 1 ? '' : '  '}${r.by.join('; ')}` : ''}`.trimEnd() + '\n';
  }
  return out;
}
