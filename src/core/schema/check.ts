import { diag, type Diagnostic, type Severity, type SourceLocation } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import type { SchemaSet } from './model.js';
import type { RawAttribute, RawKind, RawRelationship, SchemaFile } from './raw.js';
import { kindName } from './resolve.js';
import { checkAttributes } from './rules/attributes.js';
import { checkIdentifiers } from './rules/identifiers.js';
import { checkKinds } from './rules/kinds.js';
import { checkMembers } from './rules/members.js';
import { checkNames } from './rules/names.js';
import { checkPaths } from './rules/paths.js';

export type YPath = (string | number)[];

/** One item as written, with its file and YAML path, so a finding can point at it. */
export interface Declared<T> {
  raw: T;
  file: SchemaFile;
  path: YPath;
}

export interface DeclaredKind extends Declared<RawKind> {
  kind: string;
  generic: boolean;
}

export interface DeclaredMember<T> extends Declared<T> {
  /** The kind that declares it (or that the extension adds it to). */
  owner: string;
  /** The file of the `extensions:` block that adds it, when it was added that way. */
  extension?: string;
}

/** Everything a rule needs: the declarations, the tolerant resolution, and a way to report. */
export interface CheckContext {
  /** Every declaration of a kind, in file order (duplicates included). */
  declarations: DeclaredKind[];
  /** The first declaration of each kind: the one resolution kept. */
  kinds: ReadonlyMap<string, DeclaredKind>;
  attributes: DeclaredMember<RawAttribute>[];
  relationships: DeclaredMember<RawRelationship>[];
  extensions: Declared<{ kind: string }>[];
  schema: SchemaSet;
  report(severity: Severity, code: string, message: string, at: Declared<unknown>, sub: YPath, extra?: { hint?: string | undefined; subject?: string; key?: string }): void;
  /** "did you mean" over every known kind. */
  suggestKind(word: string): string | undefined;
}

/**
 * Stage 2, meaning: every rule runs over the whole set of files (built-ins first) and reports every
 * problem it finds, each with its own code. Files are the structurally cleaned documents.
 */
export function checkSchema(files: readonly SchemaFile[], schema: SchemaSet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = buildContext(files, schema, out);
  checkNames(ctx);
  checkKinds(ctx);
  checkMembers(ctx);
  checkIdentifiers(ctx);
  checkAttributes(ctx);
  checkPaths(ctx);
  return out;
}

function buildContext(files: readonly SchemaFile[], schema: SchemaSet, out: Diagnostic[]): CheckContext {
  const declarations: DeclaredKind[] = [];
  const kinds = new Map<string, DeclaredKind>();
  const attributes: DeclaredMember<RawAttribute>[] = [];
  const relationships: DeclaredMember<RawRelationship>[] = [];
  const extensions: Declared<{ kind: string }>[] = [];
  for (const file of files) {
    for (const section of ['generics', 'nodes'] as const) {
      (file.doc[section] ?? []).forEach((raw, i) => {
        if (raw === null || typeof raw !== 'object') return;
        const kind = kindName(raw.namespace, raw.name);
        const d: DeclaredKind = { raw, file, path: [section, i], kind, generic: section === 'generics' };
        declarations.push(d);
        if (!kinds.has(kind) && raw.state !== 'absent') kinds.set(kind, d);
      });
    }
  }
  for (const d of declarations) {
    if (kinds.get(d.kind) !== d) continue;
    (d.raw.attributes ?? []).forEach((raw, j) => attributes.push({ raw, file: d.file, path: [...d.path, 'attributes', j], owner: d.kind }));
    (d.raw.relationships ?? []).forEach((raw, j) => relationships.push({ raw, file: d.file, path: [...d.path, 'relationships', j], owner: d.kind }));
  }
  for (const file of files) {
    (file.doc.extensions?.nodes ?? []).forEach((ext, i) => {
      const path: YPath = ['extensions', 'nodes', i];
      extensions.push({ raw: ext, file, path });
      if (!kinds.has(ext.kind)) return;
      const extension = file.source.file;
      (ext.attributes ?? []).forEach((raw, j) => attributes.push({ raw, file, path: [...path, 'attributes', j], owner: ext.kind, extension }));
      (ext.relationships ?? []).forEach((raw, j) => relationships.push({ raw, file, path: [...path, 'relationships', j], owner: ext.kind, extension }));
    });
  }
  const allKinds = [...kinds.keys()];
  return {
    declarations,
    kinds,
    attributes: attributes.filter((a) => a.raw.state !== 'absent'),
    relationships: relationships.filter((r) => r.raw.state !== 'absent'),
    extensions,
    schema,
    report(severity, code, message, at, sub, extra = {}) {
      const where: SourceLocation = at.file.source.locate([...at.path, ...sub]);
      const subject = extra.subject ?? subjectOf(at);
      const key = extra.key ?? keyOf(at, sub);
      out.push(diag(severity, code, message, where, { ...(extra.hint ? { hint: extra.hint } : {}), ...(subject ? { subject } : {}), ...(key ? { key } : {}) }));
    },
    suggestKind: (word) => didYouMean(word, allKinds),
  };
}

function subjectOf(at: Declared<unknown>): string | undefined {
  const m = at as Partial<DeclaredMember<unknown> & DeclaredKind>;
  return m.owner ?? m.kind ?? (at.raw as { kind?: string } | undefined)?.kind;
}

function keyOf(at: Declared<unknown>, sub: YPath): string {
  const m = at as Partial<DeclaredMember<{ name?: string }>>;
  const head = m.owner !== undefined ? [String(at.path[at.path.length - 2]), m.raw?.name ?? ''] : [];
  return [...head, ...sub].join('.');
}
