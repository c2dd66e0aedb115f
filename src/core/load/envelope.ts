import { diag, type Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import type { KindSchema, SchemaSet } from '../schema/model.js';
import type { YamlSource } from '../yaml/source.js';

export const API_VERSION = 'infrahub.app/v1';

/** One `spec:` of an object file, checked: a concrete kind, its items, and whether ranges expand. */
export interface Block {
  src: YamlSource;
  kind: KindSchema;
  items: unknown[];
  expand: boolean;
}

export const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function unknownKeys(value: Record<string, unknown>, allowed: string[], src: YamlSource, at: (string | number)[], out: Diagnostic[]): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    out.push(diag('error', 'load/unknown-key', `unknown key "${key}"${at.length ? ` in ${at.join('.')}` : ''}`, src.locateKey([...at, key]), { hint: didYouMean(key, allowed) ?? `allowed here: ${allowed.join(', ')}` }));
  }
}

/** A kind named in a file: known, and a node (a generic cannot be instantiated). */
export function resolveKind(name: unknown, schema: SchemaSet, where: ReturnType<YamlSource['locate']>, out: Diagnostic[]): KindSchema | undefined {
  if (typeof name !== 'string' || name === '') {
    out.push(diag('error', 'load/missing-kind', 'a kind is required here', where, { hint: 'add `kind: <Namespace><Name>`' }));
    return undefined;
  }
  const k = schema.get(name);
  if (!k) {
    const hint = didYouMean(name, schema.kinds.keys()) ?? 'run `svc schema list` to see the kinds the catalog declares';
    out.push(diag('error', 'load/unknown-kind', `unknown kind "${name}"`, where, { hint }));
    return undefined;
  }
  if (k.isGeneric) {
    const hint = k.used_by.length ? `name one of the kinds that inherit it: ${k.used_by.join(', ')}` : 'no kind inherits it yet';
    out.push(diag('error', 'load/generic-kind', `"${name}" is a generic: objects must have a concrete kind`, where, { hint }));
    return undefined;
  }
  return k;
}

/** The envelope of one document: `apiVersion`, `kind: Object`, `spec: {kind, data, parameters}`. */
export function readEnvelope(src: YamlSource, schema: SchemaSet, out: Diagnostic[]): Block | undefined {
  const v = src.value;
  if (v === undefined || v === null) return undefined;
  if (!isMapping(v) || v.apiVersion === undefined) {
    out.push(diag('error', 'load/not-an-object-file', 'not an Infrahub object file: expected `apiVersion: infrahub.app/v1`, `kind: Object` and `spec:`', src.locate([]), { hint: 'start the document with apiVersion: infrahub.app/v1 and kind: Object' }));
    return undefined;
  }
  unknownKeys(v, ['apiVersion', 'kind', 'spec'], src, [], out);
  if (v.apiVersion !== API_VERSION) {
    out.push(diag('error', 'load/api-version', `apiVersion ${JSON.stringify(v.apiVersion)} is not supported`, src.locate(['apiVersion']), { hint: `use apiVersion: ${API_VERSION}` }));
    return undefined;
  }
  if (v.kind !== 'Object') {
    // Infrahub's other file kinds (menus, ...) may sit next to object files: skipped, not fatal.
    out.push(diag('warning', 'load/skipped-document', `a document of kind ${JSON.stringify(v.kind)} is not an object list: skipped`, src.locate(['kind'])));
    return undefined;
  }
  const spec = v.spec;
  if (!isMapping(spec)) {
    out.push(diag('error', 'load/missing-spec', '`spec:` must be a mapping with kind: and data:', src.locate(['spec']), { hint: 'add spec: {kind: <Kind>, data: [...]}' }));
    return undefined;
  }
  unknownKeys(spec, ['kind', 'data', 'parameters'], src, ['spec'], out);
  const kind = resolveKind(spec.kind, schema, src.locate(['spec', 'kind']), out);
  let expand = false;
  if (spec.parameters !== undefined) {
    if (!isMapping(spec.parameters)) {
      out.push(diag('error', 'load/wrong-type', 'spec.parameters must be a mapping', src.locate(['spec', 'parameters'])));
    } else {
      unknownKeys(spec.parameters, ['expand_range'], src, ['spec', 'parameters'], out);
      if (spec.parameters.expand_range !== undefined && typeof spec.parameters.expand_range !== 'boolean') {
        out.push(diag('error', 'load/wrong-type', 'spec.parameters.expand_range must be true or false', src.locate(['spec', 'parameters', 'expand_range'])));
      }
      expand = spec.parameters.expand_range === true;
    }
  }
  if (!Array.isArray(spec.data)) {
    out.push(diag('error', 'load/missing-data', '`spec.data` must be a list of objects', src.locate(spec.data === undefined ? ['spec'] : ['spec', 'data']), { hint: 'add data: with one `- name: ...` item per object' }));
    return undefined;
  }
  return kind ? { src, kind, items: spec.data, expand } : undefined;
}
