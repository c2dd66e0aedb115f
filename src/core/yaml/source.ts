import type { Document, Node } from 'yaml';
import { checkYamlDepth } from './depth.js';
import { diag, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { lazyModule } from '../lazy-module.js';
import { resolveYaml11, sameValue, showValue, type PlainValue } from './yaml11.js';

/**
 * The `yaml` package: only a finding's position, a file js-yaml refuses (./quick.ts) or writing YAML
 * needs it, so a quick command with valid files never loads it.
 */
const yaml = lazyModule<typeof import('yaml')>('yaml');

export type YamlPath = readonly (string | number)[];

/**
 * A parsed YAML document that remembers where every value came from, so a validator can point at
 * file:line:column from a plain JSON path (an ajv instancePath, a key it checks).
 */
export interface YamlSource {
  file: string;
  /** The plain JS value (undefined for an empty file). */
  value: unknown;
  /** Syntax errors (and duplicate keys): the document is unusable when any is an error. */
  diagnostics: Diagnostic[];
  /** Where the value at `path` starts; falls back to the nearest ancestor that exists. */
  locate(path: YamlPath): SourceLocation;
  /** Where the key of the mapping entry at `path` starts (for "unknown key" findings). */
  locateKey(path: YamlPath): SourceLocation;
}

const yamlCodeHints: Record<string, string> = {
  DUPLICATE_KEY: 'each key may appear once in a mapping: remove or rename one of them',
  BAD_INDENT: 'check the indentation: YAML nests by spaces, never tabs',
  TAB_AS_INDENT: 'YAML indentation must use spaces, not tabs',
  MISSING_CHAR: 'a quote, bracket or colon is missing',
  BLOCK_AS_IMPLICIT_KEY: 'a key may not span several lines: check for a missing colon or quote',
  MULTILINE_IMPLICIT_KEY: 'a key may not span several lines: check for a missing colon or quote',
};

/** How many times aliases may be expanded in one document (the yaml package's guard). */
const MAX_ALIAS_COUNT = 100;

export interface YamlOptions {
  /**
   * Read plain scalars as PyYAML does (YAML 1.1: `yes` is true, `32_767` a number), with a warning
   * wherever YAML 1.2 would have read them differently. For files written for Infrahub or SURF, whose
   * tools load them with PyYAML: schema, object and product files.
   */
  yaml11?: boolean;
}

/** The option for files Infrahub or SURF would also read. */
export const YAML11: YamlOptions = Object.freeze({ yaml11: true });

export function parseYaml(text: string, file: string, options: YamlOptions = {}): YamlSource {
  checkYamlDepth(text, file);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  // YAML 1.1 also merges `<<: *anchor` keys, as PyYAML does.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, ...(options.yaml11 ? { merge: true } : {}) });
  const pos = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const message = e.message.split('\n')[0] ?? e.message;
    diagnostics.push(diag('error', 'yaml/syntax', `YAML: ${message}`, pos(e.pos[0]), { hint: yamlCodeHints[e.code] ?? 'fix the YAML syntax' }));
  }
  for (const w of doc.warnings) {
    diagnostics.push(diag('warning', 'yaml/warning', `YAML: ${w.message.split('\n')[0]}`, pos(w.pos[0])));
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    if (options.yaml11) diagnostics.push(...readAsYaml11(doc, pos));
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // The only way toJS fails on a document without errors: aliases that expand past the limit
      // (a "billion laughs"), which would otherwise cost memory and time without bound.
      let at = 0;
      yaml().visit(doc, {
        Alias(_, node) {
          at = node.range?.[0] ?? 0;
          return yaml().visit.BREAK;
        },
      });
      diagnostics.push(diag('error', 'yaml/syntax', `YAML: ${e instanceof Error ? e.message : String(e)}`, pos(at), { hint: `aliases (*name) here expand to more than ${MAX_ALIAS_COUNT} copies: write the values out` }));
    }
  }
  return {
    file,
    value,
    diagnostics,
    locate: (path) => pos(walk(doc, path, false)),
    locateKey: (path) => pos(walk(doc, path, true)),
  };
}

/**
 * Re-reads every plain scalar value (not keys: svc's keys are names, and a key `on` meaning true
 * would only break a file) the way PyYAML does, in place, and warns where the reading changed.
 */
function readAsYaml11(doc: Document, pos: (offset: number) => SourceLocation): Diagnostic[] {
  const { visit } = yaml();
  const out: Diagnostic[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || node.type !== 'PLAIN' || node.tag !== undefined || node.source === undefined) return;
      const before = node.value as PlainValue;
      const after = resolveYaml11(node.source);
      if (sameValue(before, after)) return;
      node.value = after;
      const keep = typeof after === 'string' ? `write ${JSON.stringify(after)} quoted to keep the string, or ${showValue(before)} if you mean the number` : `quote it ("${node.source}") to keep a string`;
      out.push(
        diag('warning', 'yaml/yaml11-scalar', `${node.source} reads as ${showValue(after)} (YAML 1.1, as Infrahub and SURF read it); YAML 1.2 would read ${showValue(before)}`, pos(node.range?.[0] ?? 0), {
          hint: keep,
        }),
      );
    },
  });
  return out;
}

function walk(doc: Document, path: YamlPath, wantKey: boolean): number {
  const { isMap, isScalar, isSeq } = yaml();
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return offset;
      const keyNode = pair.key as Node;
      if (last && wantKey) return keyNode.range?.[0] ?? offset;
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? keyNode.range?.[0] ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Split an ajv instancePath (`/nodes/0/attributes/2/kind`) into a YAML path. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
