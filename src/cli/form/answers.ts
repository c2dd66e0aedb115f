import { validateRequest } from '../../core/products/inputs.js';
import type { ProductDef, ProductSet, Variant } from '../../core/products/model.js';
import type { JsonSchema } from '../../core/products/inputs.js';
import { classify, type FormNode } from './schema-view.js';

/**
 * Typed text into values, and the check that runs as each answer is typed: the value is placed in
 * the request being built and the whole request validated, keeping only what is said about this
 * input, so a form answer gets exactly the message a `--set` of the same value would.
 */
export type Path = readonly (string | number)[];
export type Draft = Record<string, unknown>;

/** `saps[0].vlan`, as validateRequest names inputs. */
export function showPath(path: Path): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i > 0 ? `.${s}` : s)).join('');
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * An empty answer is no answer (undefined). Numbers are read as numbers only when they look like one:
 * anything else stays text, so validation says what was wrong with it.
 */
export function coerceText(node: FormNode, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  return coerceItem(node, t);
}

/**
 * Text for one input, read as its schema (a property of requestSchema) says: lists comma-separated,
 * numbers as numbers. What the form does with an answer, for `--set input=text` to do the same.
 */
export function coerceAnswer(s: JsonSchema, text: string): unknown {
  const node = classify(s);
  return node.kind === 'list' ? coerceList(classify(node.item), text) : coerceText(node, text);
}

/** Comma-separated items, each trimmed; an empty item is kept so validation can point at it. */
export function coerceList(item: FormNode, text: string): unknown[] | undefined {
  if (text.trim() === '') return undefined;
  return text.split(',').map((s) => coerceItem(item, s.trim()));
}

function coerceItem(node: FormNode, t: string): unknown {
  if (node.kind === 'number' && NUMERIC.test(t)) return Number(t);
  if (node.kind === 'bool' && /^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  return t;
}

/** How a value is offered back as text (a default in an input). */
export function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => asText(x) ?? '').join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function setAt(draft: Draft, path: Path, value: unknown): void {
  let cur: unknown = draft;
  for (const seg of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[seg];
  const last = path[path.length - 1]!;
  const holder = cur as Record<string | number, unknown>;
  if (value === undefined) delete holder[last];
  else holder[last] = value;
}

export class AnswerChecker {
  constructor(
    private readonly product: ProductDef,
    private readonly set: ProductSet,
    private readonly variant: Variant,
  ) {}

  /** `true`, or every problem with `value` at `path`, as one message. */
  check(draft: Draft, path: Path, value: unknown): true | string {
    const trial = structuredClone(draft);
    setAt(trial, path, value);
    const at = showPath(path);
    const mine = validateRequest(this.product, this.set, trial, { variant: this.variant }).filter(
      (p) => p.input === at || p.input.startsWith(`${at}[`) || p.input.startsWith(`${at}.`),
    );
    if (!mine.length) return true;
    return mine.map((p) => (p.hint ? `${p.message} (${p.hint})` : p.message)).join('; ');
  }
}

/** Code-point order: the same on every machine, whatever its locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
