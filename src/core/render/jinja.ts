import nunjucks from 'nunjucks';
import { ValidationError } from '../errors.js';

/**
 * Jinja2 templates rendered by nunjucks, made to behave as Jinja2 does where Infrahub templates
 * rely on it:
 * - the environment Infrahub's SDK renders with: trim_blocks and lstrip_blocks, no autoescape, and
 *   a template's single trailing newline dropped (Jinja2's keep_trailing_newline=False);
 * - Python methods on values (`d.items()`, `d.get()`, `s.upper()`, `s.split(",")`, slices) through
 *   nunjucks' Jinja compatibility layer, completed for strings;
 * - the filters nunjucks lacks or reads differently: map, unique, tojson, format, attr, min, max,
 *   selectattr/rejectattr with a test (`selectattr("role.value", "equalto", "core")`), sort, join
 *   and groupby with keyword arguments (`sort(attribute="name.value")`), items.
 * Templates are read through `read` (a path relative to the catalog root), so includes and imports
 * resolve there too.
 */
export interface TemplateReader {
  (name: string): string | undefined;
}

let compat = false;

function installCompat(): void {
  if (compat) return;
  compat = true;
  nunjucks.installJinjaCompat();
  const runtime = (nunjucks as unknown as { runtime: { memberLookup: (obj: unknown, val: unknown) => unknown } }).runtime;
  const lookup = runtime.memberLookup;
  runtime.memberLookup = (obj: unknown, val: unknown) => {
    if (typeof obj === 'string' && typeof val === 'string' && Object.hasOwn(STRING_METHODS, val)) return (...args: unknown[]) => STRING_METHODS[val]!(obj, ...args);
    return lookup(obj, val);
  };
}

const STRING_METHODS: Record<string, (s: string, ...args: unknown[]) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, chars) => (typeof chars === 'string' ? stripChars(s, chars, true, true) : s.trim()),
  lstrip: (s, chars) => (typeof chars === 'string' ? stripChars(s, chars, true, false) : s.trimStart()),
  rstrip: (s, chars) => (typeof chars === 'string' ? stripChars(s, chars, false, true) : s.trimEnd()),
  split: (s, sep, max) => pySplit(s, typeof sep === 'string' ? sep : undefined, typeof max === 'number' ? max : -1),
  startswith: (s, p) => s.startsWith(String(p)),
  endswith: (s, p) => s.endsWith(String(p)),
  replace: (s, a, b) => s.split(String(a)).join(String(b)),
  title: (s) => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  join: (s, items) => (Array.isArray(items) ? items.map(String).join(s) : ''),
  format: (s, ...args) => pyFormat(s, args),
  isdigit: (s) => /^\d+$/.test(s),
  count: (s, sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  find: (s, sub) => s.indexOf(String(sub)),
  zfill: (s, n) => s.padStart(Number(n), '0'),
};

function stripChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  while (left && a < b && chars.includes(s[a]!)) a++;
  while (right && b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function pySplit(s: string, sep: string | undefined, max: number): string[] {
  if (sep === undefined) {
    const parts = s.trim().split(/\s+/).filter((x) => x !== '');
    return max < 0 || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(' ')];
  }
  const parts = s.split(sep);
  return max < 0 || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(sep)];
}

/** Python's `%` formatting for %s, %d, %i, %f (with width, precision and 0 padding), %%. */
function pyFormat(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%(-?0?)(\d*)(?:\.(\d+))?([sdif%])/g, (_m, flags: string, width: string, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const v = args[i++];
    let text: string;
    if (conv === 'd' || conv === 'i') text = String(Math.trunc(Number(v)));
    else if (conv === 'f') text = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
    else text = v === null || v === undefined ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    const w = Number(width || 0);
    if (flags.includes('-')) return text.padEnd(w);
    return text.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
  });
}

type Kwargs = Record<string, unknown>;

/** nunjucks hands keyword arguments as a last object marked __keywords. */
function split(args: unknown[]): { pos: unknown[]; kw: Kwargs } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.hasOwn(last, '__keywords')) {
    const { __keywords: _, ...kw } = last as Kwargs;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: {} };
}

/** Jinja2's attribute paths: "name.value", "0" for an index. */
function attr(obj: unknown, path: unknown): unknown {
  let v = obj;
  for (const part of String(path).split('.')) {
    if (v === null || v === undefined) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : typeof v === 'string' ? [...v] : typeof v === 'object' ? Object.keys(v as object) : [v]);

function compare(a: unknown, b: unknown, caseSensitive: boolean): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = caseSensitive ? String(a) : String(a).toLowerCase();
  const y = caseSensitive ? String(b) : String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const TESTS: Record<string, (v: unknown, arg?: unknown) => boolean> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  mapping: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  odd: (v) => Number(v) % 2 === 1,
  even: (v) => Number(v) % 2 === 0,
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  equalto: (v, x) => v === x,
  eq: (v, x) => v === x,
  '==': (v, x) => v === x,
  sameas: (v, x) => v === x,
  ne: (v, x) => v !== x,
  '!=': (v, x) => v !== x,
  gt: (v, x) => compare(v, x, true) > 0,
  '>': (v, x) => compare(v, x, true) > 0,
  ge: (v, x) => compare(v, x, true) >= 0,
  '>=': (v, x) => compare(v, x, true) >= 0,
  lt: (v, x) => compare(v, x, true) < 0,
  '<': (v, x) => compare(v, x, true) < 0,
  le: (v, x) => compare(v, x, true) <= 0,
  '<=': (v, x) => compare(v, x, true) <= 0,
  in: (v, x) => (Array.isArray(x) || typeof x === 'string' ? x.includes(v as never) : false),
  truthy: (v) => Boolean(v) && !(Array.isArray(v) && v.length === 0),
};

function test(name: unknown, value: unknown, arg: unknown): boolean {
  const t = TESTS[String(name ?? 'truthy')];
  if (!t) throw new Error(`no test named '${String(name)}'`);
  return t(value, arg);
}

const FILTERS: Record<string, (value: unknown, ...args: unknown[]) => unknown> = {
  map(value, ...args) {
    const { pos, kw } = split(args);
    const items = list(value);
    if (kw.attribute !== undefined) return items.map((x) => attr(x, kw.attribute) ?? kw.default);
    const name = pos[0];
    if (typeof name !== 'string') return items;
    const f = this_env?.getFilter(name) as ((v: unknown, ...a: unknown[]) => unknown) | undefined;
    if (!f) throw new Error(`no filter named '${name}'`);
    return items.map((x) => f(x, ...pos.slice(1)));
  },
  selectattr: (value, ...args) => {
    const { pos } = split(args);
    return list(value).filter((x) => test(pos[1], attr(x, pos[0]), pos[2]));
  },
  rejectattr: (value, ...args) => {
    const { pos } = split(args);
    return list(value).filter((x) => !test(pos[1], attr(x, pos[0]), pos[2]));
  },
  select: (value, ...args) => list(value).filter((x) => test(args[0], x, args[1])),
  reject: (value, ...args) => list(value).filter((x) => !test(args[0], x, args[1])),
  unique: (value, ...args) => {
    const { kw } = split(args);
    const seen = new Set<unknown>();
    return list(value).filter((x) => {
      const k = kw.attribute === undefined ? x : attr(x, kw.attribute);
      const key = typeof k === 'string' && kw.case_sensitive !== true ? k.toLowerCase() : typeof k === 'object' ? JSON.stringify(k) : k;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  sort: (value, ...args) => {
    const { pos, kw } = split(args);
    const reverse = (kw.reverse ?? pos[0]) === true;
    const caseSensitive = (kw.case_sensitive ?? pos[1]) === true;
    const key = kw.attribute ?? pos[2];
    const items = [...list(value)].sort((a, b) => compare(key === undefined ? a : attr(a, key), key === undefined ? b : attr(b, key), caseSensitive));
    return reverse ? items.reverse() : items;
  },
  join: (value, ...args) => {
    const { pos, kw } = split(args);
    const sep = (kw.d ?? pos[0] ?? '') as string;
    const key = kw.attribute ?? pos[1];
    return list(value).map((x) => (key === undefined ? x : attr(x, key))).map((x) => (x === null || x === undefined ? '' : String(x))).join(sep);
  },
  groupby: (value, ...args) => {
    const { pos, kw } = split(args);
    const key = kw.attribute ?? pos[0];
    const groups = new Map<unknown, unknown[]>();
    for (const x of list(value)) {
      const k = attr(x, key) ?? kw.default;
      const g = groups.get(k);
      if (g) g.push(x);
      else groups.set(k, [x]);
    }
    // Jinja2's (grouper, list) tuples: unpack in a for loop, or read .grouper and .list.
    return [...groups.entries()].sort((a, b) => compare(a[0], b[0], false)).map(([grouper, items]) => Object.assign([grouper, items], { grouper, list: items }));
  },
  tojson: (value, ...args) => {
    const { pos, kw } = split(args);
    const indent = kw.indent ?? pos[0];
    return new nunjucks.runtime.SafeString(JSON.stringify(value ?? null, null, typeof indent === 'number' ? indent : undefined));
  },
  format: (value, ...args) => pyFormat(String(value), args),
  attr: (value, name) => (value === null || value === undefined ? undefined : (value as Record<string, unknown>)[String(name)]),
  min: (value, ...args) => {
    const { kw } = split(args);
    const items = list(value);
    return items.reduce<unknown>((m, x) => (m === undefined || compare(kw.attribute === undefined ? x : attr(x, kw.attribute), kw.attribute === undefined ? m : attr(m, kw.attribute), false) < 0 ? x : m), undefined);
  },
  max: (value, ...args) => {
    const { kw } = split(args);
    const items = list(value);
    return items.reduce<unknown>((m, x) => (m === undefined || compare(kw.attribute === undefined ? x : attr(x, kw.attribute), kw.attribute === undefined ? m : attr(m, kw.attribute), false) > 0 ? x : m), undefined);
  },
  items: (value) => (value && typeof value === 'object' ? Object.entries(value) : []),
};

// The map filter applies another filter by name: the environment rendering at the moment.
let this_env: nunjucks.Environment | undefined;

export class Templates {
  private readonly env: nunjucks.Environment;

  constructor(read: TemplateReader) {
    installCompat();
    const loader = {
      getSource: (name: string) => {
        const src = read(name);
        // Jinja2 drops the template's last newline (keep_trailing_newline=False), and its
        // trim_blocks and lstrip_blocks apply to comments too, where nunjucks' apply to tags only.
        if (src === undefined) return null;
        return { src: src.replace(/\r?\n$/, '').replace(/(^[ \t]*)?(\{#[\s\S]*?#\})\r?\n?/gm, '$2'), path: name, noCache: false };
      },
    };
    this.env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, { autoescape: false, trimBlocks: true, lstripBlocks: true, throwOnUndefined: false });
    for (const [name, f] of Object.entries(FILTERS)) this.env.addFilter(name, f);
  }

  /** Renders a template file with `context`; a template error names the file and line. */
  render(name: string, context: Record<string, unknown>): string {
    this_env = this.env;
    try {
      return this.env.render(name, context);
    } catch (e) {
      const message = (e as Error).message.replace(/\s+/g, ' ').trim();
      throw new ValidationError('render/template', `${name}: ${message}`, { hint: 'templates are Jinja2 (rendered by nunjucks with Jinja2\'s filters); the query result is `data`' });
    } finally {
      this_env = undefined;
    }
  }
}
