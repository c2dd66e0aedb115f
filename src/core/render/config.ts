import { diag, type Diagnostic } from '../diagnostics.js';
import type { YamlSource } from '../yaml/source.js';

/**
 * The `.orchestrator.yml` keys for queries, Jinja2 transforms and artifacts, named and shaped as in
 * Infrahub's `.infrahub.yml`. Kept apart from the rest of the config parser: the JSON Schema
 * fragments below join catalogConfigSchema, parseRenderConfig joins parseCatalog.
 */
export interface QueryDefinition {
  name: string;
  /** Absolute. */
  file: string;
  file_path: string;
}

export interface Jinja2Transform {
  name: string;
  description?: string;
  /** A query's name. */
  query: string;
  /** Absolute. */
  template: string;
  template_path: string;
}

export interface ArtifactDefinition {
  name: string;
  artifact_name: string;
  /** A group's name, or a kind. */
  targets: string;
  /** Query variable → the target's value (`name__value`, `id`, `hfid`), or a fixed value. */
  parameters: Record<string, string | number | boolean>;
  content_type: string;
  /** A transform's name. */
  transformation: string;
  /** Overrides the extension content_type gives. */
  file_extension?: string;
}

export interface RenderConfig {
  queries: QueryDefinition[];
  jinja2Transforms: Jinja2Transform[];
  artifactDefinitions: ArtifactDefinition[];
}

const name = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]*$' } as const;

export const renderConfigSchemaProperties = {
  queries: {
    description: 'GraphQL queries (.gql files) in Infrahub\'s shape, run by `svc query` and by transforms.',
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'file_path'],
      properties: { name: { ...name, description: 'Unique name, used by `svc query <name>` and transforms.' }, file_path: { type: 'string', minLength: 1, description: 'The .gql file, relative to the catalog root.' } },
    },
  },
  jinja2_transforms: {
    description: 'A query\'s result rendered through a Jinja2 template.',
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'query', 'template_path'],
      properties: {
        name,
        description: { type: 'string' },
        query: { type: 'string', minLength: 1, description: 'The name of a query under `queries`.' },
        template_path: { type: 'string', minLength: 1, description: 'The .j2 template, relative to the catalog root.' },
      },
    },
  },
  artifact_definitions: {
    description: 'Files rendered per target by `svc render` into artifacts/<artifact_name>/<target>.<ext>.',
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'artifact_name', 'targets', 'content_type', 'transformation'],
      properties: {
        name,
        artifact_name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'The folder under artifacts/.' },
        targets: { type: 'string', minLength: 1, description: 'A group name (CoreGroup) or a kind whose objects are the targets.' },
        parameters: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] }, description: 'Query variable → the target\'s value (e.g. device: name__value).' },
        content_type: { type: 'string', minLength: 1, description: 'text/plain (.txt), application/json (.json), ...' },
        transformation: { type: 'string', minLength: 1, description: 'The name of a jinja2 transform.' },
        file_extension: { type: 'string', pattern: '^[A-Za-z0-9]+$', description: 'The files\' extension, when content_type\'s is not wanted (e.g. cfg).' },
      },
    },
  },
} as const;

interface Raw {
  queries?: { name: string; file_path: string }[];
  jinja2_transforms?: { name: string; description?: string; query: string; template_path: string }[];
  artifact_definitions?: (Omit<ArtifactDefinition, 'parameters'> & { parameters?: ArtifactDefinition['parameters'] })[];
}

/** Reads the three keys (their shape already checked); `inside` resolves a path or reports one outside the catalog. */
export function parseRenderConfig(raw: Raw, source: YamlSource, inside: (p: string, key: (string | number)[]) => string | undefined, diagnostics: Diagnostic[]): RenderConfig {
  const unique = (list: { name: string }[], key: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.name)) diagnostics.push(diag('error', 'config/duplicate-name', `${what} "${x.name}" is defined twice`, source.locate([key, i, 'name']), { hint: `give each ${what} a unique name` }));
      seen.add(x.name);
    });
  };
  const queries: QueryDefinition[] = [];
  (raw.queries ?? []).forEach((x, i) => {
    const file = inside(x.file_path, ['queries', i, 'file_path']);
    if (file) queries.push({ name: x.name, file, file_path: x.file_path });
  });
  unique(raw.queries ?? [], 'queries', 'query');
  const jinja2Transforms: Jinja2Transform[] = [];
  (raw.jinja2_transforms ?? []).forEach((x, i) => {
    if (!(raw.queries ?? []).some((y) => y.name === x.query)) {
      diagnostics.push(diag('error', 'config/unknown-query', `jinja2 transform "${x.name}": no query "${x.query}"`, source.locate(['jinja2_transforms', i, 'query']), { hint: `declare it under queries:, or use one of: ${(raw.queries ?? []).map((y) => y.name).join(', ') || '(none)'}` }));
    }
    const template = inside(x.template_path, ['jinja2_transforms', i, 'template_path']);
    if (template) jinja2Transforms.push({ name: x.name, ...(x.description !== undefined ? { description: x.description } : {}), query: x.query, template, template_path: x.template_path });
  });
  unique(raw.jinja2_transforms ?? [], 'jinja2_transforms', 'transform');
  const artifactDefinitions: ArtifactDefinition[] = [];
  (raw.artifact_definitions ?? []).forEach((x, i) => {
    if (!(raw.jinja2_transforms ?? []).some((y) => y.name === x.transformation)) {
      diagnostics.push(diag('error', 'config/unknown-transformation', `artifact definition "${x.name}": no transform "${x.transformation}"`, source.locate(['artifact_definitions', i, 'transformation']), { hint: `declare it under jinja2_transforms:, or use one of: ${(raw.jinja2_transforms ?? []).map((y) => y.name).join(', ') || '(none)'}` }));
    }
    artifactDefinitions.push({ ...x, parameters: x.parameters ?? {} });
  });
  unique(raw.artifact_definitions ?? [], 'artifact_definitions', 'artifact definition');
  return { queries, jinja2Transforms, artifactDefinitions };
}
