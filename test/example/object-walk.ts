import { parse } from 'yaml';
import type { KindSchema, RelationshipSchema, SchemaSet } from '../../src/core/schema/model.js';

/**
 * A test oracle for the example's bootstrap data: reads Infrahub object files the way
 * `infrahubctl object load` does (nested blocks, references by human-friendly id, expand_range)
 * and reports, against the resolved schema, every key, value and reference that would not load.
 * Deliberately independent of src/core/load so that the data is checked even while `svc load`
 * is being written, and so that a bug there cannot hide a mistake here.
 */

export interface WalkedObject {
  kind: string;
  file: string;
  attributes: Record<string, unknown>;
  /** Relationship name → references (each a human-friendly id) or, for nested objects, their index in the list. */
  refs: Record<string, (string[] | number)[]>;
}

export interface Walk {
  objects: WalkedObject[];
  problems: string[];
}

const RANGE = /\[(\d+)-(\d+)\]/;

/** `Ethernet1/[1-3]` → Ethernet1/1..3; an item whose string values hold ranges of unequal length is a problem. */
export function expandItem(item: Record<string, unknown>): Record<string, unknown>[] | string {
  const ranged = Object.entries(item).filter((e): e is [string, string] => typeof e[1] === 'string' && RANGE.test(e[1]));
  if (ranged.length === 0) return [item];
  const lists = ranged.map(([key, v]) => {
    const m = RANGE.exec(v)!;
    const [from, to] = [Number(m[1]), Number(m[2])];
    const out: string[] = [];
    for (let i = from; i <= to; i++) out.push(v.replace(RANGE, String(i)));
    return [key, out] as const;
  });
  const n = lists[0]![1].length;
  if (lists.some(([, l]) => l.length !== n)) return 'ranges of unequal length';
  return Array.from({ length: n }, (_, i) => ({ ...item, ...Object.fromEntries(lists.map(([k, l]) => [k, l[i]])) }));
}

export function walkObjectFiles(files: { name: string; text: string }[], schema: SchemaSet): Walk {
  const objects: WalkedObject[] = [];
  const problems: string[] = [];
  const say = (file: string, where: string, msg: string) => problems.push(`${file}: ${where}: ${msg}`);

  const block = (file: string, kind: string, items: unknown, expand: boolean, implied: string | undefined, where: string): number[] => {
    const k = schema.get(kind);
    if (!k || k.isGeneric) {
      say(file, where, `${kind} is not a node kind of the schema`);
      return [];
    }
    if (!Array.isArray(items)) {
      say(file, where, 'data must be a list');
      return [];
    }
    const made: number[] = [];
    items.forEach((raw, i) => {
      const expanded = expand ? expandItem(raw as Record<string, unknown>) : [raw as Record<string, unknown>];
      if (typeof expanded === 'string') return say(file, `${where}[${i}]`, expanded);
      for (const item of expanded) made.push(object(file, k, item, implied, `${where}[${i}]`));
    });
    return made;
  };

  const object = (file: string, k: KindSchema, item: Record<string, unknown>, implied: string | undefined, where: string): number => {
    const index = objects.length;
    const obj: WalkedObject = { kind: k.kind, file, attributes: {}, refs: {} };
    objects.push(obj);
    for (const [key, value] of Object.entries(item)) {
      const attr = k.attributes.find((a) => a.name === key);
      const rel = k.relationships.find((r) => r.name === key);
      if (attr) {
        obj.attributes[key] = value;
        const bad = checkValue(attr, value);
        if (bad) say(file, `${where}.${key}`, bad);
      } else if (rel) {
        obj.refs[key] = relationship(file, k, rel, value, index, `${where}.${key}`);
      } else {
        say(file, `${where}.${key}`, `${k.kind} has no attribute or relationship "${key}"`);
      }
    }
    if (implied) obj.refs[implied] = [-1];
    for (const a of k.attributes) {
      if (!a.optional && !a.read_only && a.default_value === undefined && !(a.name in obj.attributes)) say(file, where, `${k.kind}: mandatory attribute "${a.name}" is missing`);
    }
    for (const r of k.relationships) {
      if (!r.optional && !(r.name in obj.refs)) say(file, where, `${k.kind}: mandatory relationship "${r.name}" is missing`);
    }
    return index;
  };

  const relationship = (file: string, k: KindSchema, rel: RelationshipSchema, value: unknown, owner: number, where: string): (string[] | number)[] => {
    const nested = (kind: string | undefined, data: unknown, params: unknown, w: string): number[] => {
      const childKind = kind ?? rel.peer;
      if (!schema.isA(childKind, rel.peer)) {
        say(file, w, `${childKind} is not a ${rel.peer}`);
        return [];
      }
      // The nested object points back at its owner through the other side of the same relationship.
      const back = schema.get(childKind)?.relationships.find((r) => r.identifier === rel.identifier && schema.isA(k.kind, r.peer));
      const expand = (params as { expand_range?: boolean } | undefined)?.expand_range === true;
      const made = block(file, childKind, Array.isArray(data) ? data : [data], expand, back?.name, w);
      for (const i of made) if (back) objects[i]!.refs[back.name] = [owner];
      return made;
    };
    if (isBlock(value)) return nested(value.kind as string | undefined, value.data, value.parameters, where);
    if (Array.isArray(value) && value.length > 0 && value.every(isBlock)) {
      return value.flatMap((v, i) => nested(v.kind as string | undefined, v.data, v.parameters, `${where}[${i}]`));
    }
    if (rel.cardinality === 'one') {
      const ref = asHfid(value);
      if (!ref) say(file, where, 'a reference must be a human-friendly id (a string or a list of strings)');
      return ref ? [ref] : [];
    }
    if (!Array.isArray(value)) {
      say(file, where, `${rel.name} has cardinality many: give a list`);
      return [];
    }
    return value.flatMap((v, i) => {
      const ref = asHfid(v);
      if (!ref) say(file, `${where}[${i}]`, 'a reference must be a human-friendly id');
      return ref ? [ref] : [];
    });
  };

  for (const { name, text } of files) {
    const doc = parse(text) as { apiVersion?: unknown; kind?: unknown; spec?: { kind?: string; data?: unknown; parameters?: { expand_range?: boolean } } };
    if (doc.apiVersion !== 'infrahub.app/v1' || doc.kind !== 'Object' || typeof doc.spec?.kind !== 'string') {
      say(name, 'document', 'not an Infrahub object file (apiVersion infrahub.app/v1, kind Object, spec.kind)');
      continue;
    }
    block(name, doc.spec.kind, doc.spec.data, doc.spec.parameters?.expand_range === true, undefined, 'spec.data');
  }
  return { objects, problems: [...problems, ...dangling(objects, schema)] };
}

function isBlock(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'data' in v;
}

function asHfid(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

function checkValue(attr: KindSchema['attributes'][number], v: unknown): string | undefined {
  switch (attr.kind) {
    case 'Dropdown':
      return attr.choices?.some((c) => c.name === v) ? undefined : `${JSON.stringify(v)} is not a choice of ${attr.name}`;
    case 'Number':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `${attr.name} must be an integer`;
      if ((attr.min_value !== undefined && v < attr.min_value) || (attr.max_value !== undefined && v > attr.max_value)) return `${v} is outside ${attr.name}'s bounds`;
      return undefined;
    case 'Boolean':
      return typeof v === 'boolean' ? undefined : `${attr.name} must be true or false`;
    default:
      if (typeof v !== 'string') return `${attr.name} must be a string`;
      if (attr.enum && !attr.enum.includes(v)) return `${JSON.stringify(v)} is not one of ${attr.name}'s values`;
      if (attr.regex && !new RegExp(attr.regex).test(v)) return `${JSON.stringify(v)} does not match ${attr.name}'s regex`;
      return undefined;
  }
}

/** The human-friendly id of each object, following references (`device__name__value`) one level deep. */
export function hfidOf(objects: WalkedObject[], i: number, schema: SchemaSet): string[] | undefined {
  const o = objects[i]!;
  const paths = schema.get(o.kind)?.human_friendly_id;
  if (!paths) return undefined;
  const out: string[] = [];
  for (const p of paths) {
    const parts = p.split('__').filter((x) => x !== 'value');
    if (parts.length === 1) {
      const v = o.attributes[parts[0]!];
      if (v === undefined) return undefined;
      out.push(String(v));
      continue;
    }
    const ref = o.refs[parts[0]!]?.[0];
    if (typeof ref === 'number') {
      const peer = objects[ref];
      const v = peer?.attributes[parts[1]!];
      if (v === undefined) return undefined;
      out.push(String(v));
    } else if (ref && ref.length === 1) {
      out.push(ref[0]!);
    } else {
      return undefined;
    }
  }
  return out;
}

function dangling(objects: WalkedObject[], schema: SchemaSet): string[] {
  const index = new Map<string, number>();
  const problems: string[] = [];
  objects.forEach((o, i) => {
    const id = hfidOf(objects, i, schema);
    if (!id) return;
    const key = `${o.kind}:${JSON.stringify(id)}`;
    if (index.has(key)) problems.push(`${o.file}: duplicate ${o.kind} ${JSON.stringify(id)}`);
    index.set(key, i);
  });
  for (const o of objects) {
    const k = schema.get(o.kind)!;
    for (const [name, refs] of Object.entries(o.refs)) {
      const rel = k.relationships.find((r) => r.name === name);
      if (!rel) continue;
      for (const ref of refs) {
        if (typeof ref === 'number') continue;
        const found = schema.concreteKinds(rel.peer).some((kind) => index.has(`${kind}:${JSON.stringify(ref)}`));
        if (!found) problems.push(`${o.file}: ${o.kind}.${name} → ${rel.peer} ${JSON.stringify(ref)} is not defined`);
      }
    }
  }
  return problems;
}
