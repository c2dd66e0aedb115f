/**
 * `parameters: {expand_range: true}`: a string such as `Ethernet1/[1-4]` stands for several objects.
 * A group in brackets holds comma-separated items, each a value or a range (`1-4`, `a-d`, `10-1`);
 * several groups multiply (`Ethernet[1-2]/[1-4]` is eight names). `\[` keeps a literal bracket.
 * Only groups with a `-` or `,` expand, so `[x]` in ordinary text is left alone.
 */
const GROUP = /\[([A-Za-z0-9]*[-,][A-Za-z0-9,-]*)\]/g;
const LBRACK = '\u0000L';
const RBRACK = '\u0000R';

export class RangeSyntaxError extends Error {}

export function hasRange(value: string): boolean {
  GROUP.lastIndex = 0;
  return GROUP.test(escape(value));
}

/** The expansions of `pattern`, in order; throws RangeSyntaxError with a readable message on a bad group. */
export function expandRange(pattern: string): string[] {
  const text = escape(pattern);
  const pieces: string[] = [];
  const choices: string[][] = [];
  let last = 0;
  GROUP.lastIndex = 0;
  for (let m = GROUP.exec(text); m !== null; m = GROUP.exec(text)) {
    pieces.push(text.slice(last, m.index));
    choices.push(expandGroup(m[1] ?? ''));
    last = m.index + m[0].length;
  }
  pieces.push(text.slice(last));
  let out = [pieces[0] ?? ''];
  choices.forEach((values, i) => {
    const tail = pieces[i + 1] ?? '';
    out = out.flatMap((prefix) => values.map((v) => prefix + v + tail));
  });
  return out.map(unescape);
}

function expandGroup(group: string): string[] {
  const out: string[] = [];
  for (const item of group.split(',')) {
    if (item === '') throw new RangeSyntaxError(`empty item in range [${group}]`);
    const dash = item.indexOf('-');
    if (dash < 0) {
      out.push(item);
      continue;
    }
    const from = item.slice(0, dash);
    const to = item.slice(dash + 1);
    if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
      const a = Number(from);
      const b = Number(to);
      const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
      const step = a <= b ? 1 : -1;
      if (Math.abs(b - a) > 100_000) throw new RangeSyntaxError(`range [${group}] is too large`);
      for (let n = a; step > 0 ? n <= b : n >= b; n += step) out.push(String(n).padStart(width, '0'));
    } else if (/^[A-Za-z]$/.test(from) && /^[A-Za-z]$/.test(to)) {
      const a = from.charCodeAt(0);
      const b = to.charCodeAt(0);
      const step = a <= b ? 1 : -1;
      for (let n = a; step > 0 ? n <= b : n >= b; n += step) out.push(String.fromCharCode(n));
    } else {
      throw new RangeSyntaxError(`"${item}" in [${group}] is not a range of numbers or of single letters`);
    }
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/\\\[/g, LBRACK).replace(/\\\]/g, RBRACK);
}

function unescape(s: string): string {
  return s.split(LBRACK).join('[').split(RBRACK).join(']');
}
