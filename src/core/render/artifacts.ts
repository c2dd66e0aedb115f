import { UsageError, ValidationError } from '../errors.js';
import { slug } from '../inventory/paths.js';
import type { ArtifactDefinition } from './config.js';
import type { NodeRow } from '../query/source.js';

/** Where `svc render` writes, relative to the catalog root. */
export const ARTIFACTS_DIR = 'artifacts';

const EXTENSIONS: Record<string, string> = {
  'text/plain': 'txt',
  'application/json': 'json',
  'application/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/yaml': 'yaml',
  'text/markdown': 'md',
  'text/csv': 'csv',
  'text/html': 'html',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

/** The files' extension: file_extension when given, else content_type's. */
export function extensionOf(def: ArtifactDefinition): string {
  const ext = def.file_extension ?? EXTENSIONS[def.content_type.split(';')[0]!.trim().toLowerCase()];
  if (ext === undefined) {
    throw new UsageError('render/unknown-content-type', `artifact definition "${def.name}": no file extension for content_type ${def.content_type}`, { hint: `set file_extension (e.g. cfg), or use one of: ${Object.keys(EXTENSIONS).join(', ')}` });
  }
  return ext;
}

/** `artifacts/<artifact_name>/<target>.<ext>`; a target's hfid nests folders as in the inventory. */
export function artifactPath(def: ArtifactDefinition, target: NodeRow): string {
  const name = target.hfid?.length ? target.hfid.map(slug).join('/') : target.id;
  return `${ARTIFACTS_DIR}/${def.artifact_name}/${name}.${extensionOf(def)}`;
}

/** How a reader names a target: its hfid (components joined by " / "), else its id. */
export const targetLabel = (t: NodeRow): string => (t.hfid?.length ? t.hfid.join(' / ') : t.id);

/**
 * The query variables of one target: each parameter names a value of the target (`name__value`,
 * `id`, `hfid`, or through a stored relationship `location__name__value`, read by `peer`); any
 * other text is passed as it is.
 */
export function targetVariables(def: Pick<ArtifactDefinition, 'name' | 'parameters'>, target: NodeRow, peer: (id: string) => NodeRow | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(def.parameters)) {
    if (typeof spec !== 'string') {
      out[name] = spec;
      continue;
    }
    if (spec === 'id') out[name] = target.id;
    else if (spec === 'hfid') out[name] = target.hfid;
    else if (/^\w+__value$/.test(spec)) out[name] = valueOf(def, target, spec, spec.slice(0, -7));
    else if (/^\w+__\w+__value$/.test(spec)) {
      const [rel, attribute] = spec.split('__') as [string, string];
      const peerId = target.ones[rel];
      const p = typeof peerId === 'string' ? peer(peerId) : undefined;
      out[name] = p === undefined ? null : valueOf(def, p, spec, attribute);
    } else out[name] = spec;
  }
  return out;
}

function valueOf(def: Pick<ArtifactDefinition, 'name'>, row: NodeRow, spec: string, attribute: string): unknown {
  if (!(attribute in row.attributes)) {
    throw new ValidationError('render/bad-parameter', `artifact definition "${def.name}": ${row.kind} ${targetLabel(row)} has no value for ${spec}`, { hint: 'parameters name a value every target has (e.g. device: name__value)' });
  }
  return row.attributes[attribute];
}

/** Checks what a content type promises: JSON must parse. */
export function checkContent(def: ArtifactDefinition, target: NodeRow, text: string): void {
  if (def.content_type.startsWith('application/json')) {
    try {
      JSON.parse(text);
    } catch (e) {
      throw new ValidationError('render/not-json', `artifact "${def.artifact_name}" for ${targetLabel(target)}: the template did not render JSON (${(e as Error).message})`, { hint: 'fix the template, or declare another content_type' });
    }
  }
}

/** The file's text: as rendered, ending with one newline so that diffs stay clean. */
export const fileText = (rendered: string): string => (rendered === '' || rendered.endsWith('\n') ? rendered : `${rendered}\n`);
