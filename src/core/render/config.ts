import { diag, type Diagnostic } from '../diagnostics.js';
import type { YamlSource } from '../yaml/source.js';

/**
 * The `.orchestrator.yml` keys for queries, transforms, artifacts and checks, named and shaped as in
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

/** A TypeScript module exporting `check(data)`, run sandboxed like a generator (docs/queries.md). */
export interface CheckDefinition {
  name: string;
  /** Absolute. */
  file: string;
  file_path: string;
  description?: string;
  /** A query's name; without one the check gets `{}`. */
  query?: string;
  /** A group's name or a kind: the check runs once per target, the query with its parameters. */
  targets?: string;
  parameters: Record<string, string | number | boolean>;
}

/** svc's counterpart of python_transforms: a module exporting `transform(data)`, sandboxed. */
export interface TypescriptTransform {
  name: string;
  /** Absolute. */
  file: string;
  file_path: string;
  description?: string;
  query: string;
}

export interface RenderConfig {
  queries: QueryDefinition[];
  jinja2Transforms: Jinja2Transform[];
  typescriptTransforms: TypescriptTransform[];
  artifactDefinitions: ArtifactDefinition[];
  checkDefinitions: CheckDefinition[];
}

const name = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]*$' } as const;

/** A list of named entries, each an object with exactly these keys. */
const entries = (description: string, required: readonly string[], properties: Record<string, object>) => ({
  description,
  type: 'array',
  items: { type: 'object', additionalProperties: false, required, properties },
});
const text = { type: 'string' } as const;
const queryName = (description = 'The name of a query under `queries`.') => ({ type: 'string', minLength: 1, description });
const modulePath = { type: 'string', minLength: 1, description: 'The module (.ts, .mts, .js, .mjs), relative to the catalog root.' } as const;
const parameters = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] }, description: 'Query variable → the target\'s value (e.g. device: name__value).' } as const;

export const renderConfigSchemaProperties = {
  queries: entries('GraphQL queries (.gql files) in Infrahub\'s shape, run by `svc query` and by transforms.', ['name', 'file_path'], {
    name: { ...name, description: 'Unique name, used by `svc query <name>` and transforms.' },
    file_path: { type: 'string', minLength: 1, description: 'The .gql file, relative to the catalog root.' },
  }),
  jinja2_transforms: entries('A query\'s result rendered through a Jinja2 template.', ['name', 'query', 'template_path'], {
    name,
    description: text,
    query: queryName(),
    template_path: { type: 'string', minLength: 1, description: 'The .j2 template, relative to the catalog root.' },
  }),
  typescript_transforms: entries(
    'svc\'s counterpart of python_transforms: a TypeScript module exporting transform(data), run sandboxed on a query\'s result; returns text or JSON.',
    ['name', 'file_path', 'query'],
    { name, description: text, file_path: modulePath, query: queryName() },
  ),
  check_definitions: entries(
    'User checks: TypeScript modules exporting check(data) that return findings; run by `svc validate` and before every request commits.',
    ['name', 'file_path'],
    {
      name,
      description: text,
      file_path: modulePath,
      query: queryName('The name of a query under `queries`; its result is check(data)\'s data.'),
      targets: { type: 'string', minLength: 1, description: 'A group name or a kind: the check runs once per target.' },
      parameters,
    },
  ),
  artifact_definitions: entries(
    'Files rendered per target by `svc render` into artifacts/<artifact_name>/<target>.<ext>.',
    ['name', 'artifact_name', 'targets', 'content_type', 'transformation'],
    {
      name,
      artifact_name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'The folder under artifacts/.' },
      targets: { type: 'string', minLength: 1, description: 'A group name (CoreGroup) or a kind whose objects are the targets.' },
      parameters,
      content_type: { type: 'string', minLength: 1, description: 'text/plain (.txt), application/json (.json), ...' },
      transformation: { type: 'string', minLength: 1, description: 'The name of a jinja2 or typescript transform.' },
      file_extension: { type: 'string', pattern: '^[A-Za-z0-9]+$', description: 'The files\' extension, when content_type\'s is not wanted (e.g. cfg).' },
    },
  ),
};

interface Raw {
  queries?: { name: string; file_path: string }[];
  jinja2_transforms?: { name: string; description?: string; query: string; template_path: string }[];
  artifact_definitions?: (Omit<ArtifactDefinition, 'parameters'> & { parameters?: ArtifactDefinition['parameters'] })[];
  typescript_transforms?: { name: string; description?: string; file_path: string; query: string }[];
  check_definitions?: { name: string; description?: string; file_path: string; query?: string; targets?: string; parameters?: CheckDefinition['parameters'] }[];
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
  const queryNamed = (q: string, key: (string | number)[], what: string) => {
    if (!(raw.queries ?? []).some((y) => y.name === q)) {
      diagnostics.push(diag('error', 'config/unknown-query', `${what}: no query "${q}"`, source.locate(key), { hint: `declare it under queries:, or use one of: ${(raw.queries ?? []).map((y) => y.name).join(', ') || '(none)'}` }));
    }
  };
  const typescriptTransforms: TypescriptTransform[] = [];
  (raw.typescript_transforms ?? []).forEach((x, i) => {
    queryNamed(x.query, ['typescript_transforms', i, 'query'], `typescript transform "${x.name}"`);
    const file = inside(x.file_path, ['typescript_transforms', i, 'file_path']);
    if (file) typescriptTransforms.push({ name: x.name, file, file_path: x.file_path, query: x.query, ...(x.description !== undefined ? { description: x.description } : {}) });
  });
  unique(raw.typescript_transforms ?? [], 'typescript_transforms', 'transform');
  // One namespace for both kinds of transform: an artifact's transformation names one of them.
  (raw.typescript_transforms ?? []).forEach((x, i) => {
    if ((raw.jinja2_transforms ?? []).some((y) => y.name === x.name)) diagnostics.push(diag('error', 'config/duplicate-name', `transform "${x.name}" is defined twice (a jinja2 and a typescript transform)`, source.locate(['typescript_transforms', i, 'name']), { hint: 'give each transform a unique name' }));
  });
  const checkDefinitions: CheckDefinition[] = [];
  (raw.check_definitions ?? []).forEach((x, i) => {
    if (x.query !== undefined) queryNamed(x.query, ['check_definitions', i, 'query'], `check "${x.name}"`);
    if (x.parameters !== undefined && x.targets === undefined) {
      diagnostics.push(diag('error', 'config/parameters-without-targets', `check "${x.name}": parameters are read from a target, and it has no targets`, source.locate(['check_definitions', i, 'parameters']), { hint: 'add targets: (a group or a kind), or drop parameters' }));
    }
    const file = inside(x.file_path, ['check_definitions', i, 'file_path']);
    if (file) {
      checkDefinitions.push({
        name: x.name,
        file,
        file_path: x.file_path,
        parameters: x.parameters ?? {},
        ...(x.description !== undefined ? { description: x.description } : {}),
        ...(x.query !== undefined ? { query: x.query } : {}),
        ...(x.targets !== undefined ? { targets: x.targets } : {}),
      });
    }
  });
  unique(raw.check_definitions ?? [], 'check_definitions', 'check');
  const transforms = [...(raw.jinja2_transforms ?? []), ...(raw.typescript_transforms ?? [])];
  const artifactDefinitions: ArtifactDefinition[] = [];
  (raw.artifact_definitions ?? []).forEach((x, i) => {
    if (!transforms.some((y) => y.name === x.transformation)) {
      diagnostics.push(diag('error', 'config/unknown-transformation', `artifact definition "${x.name}": no transform "${x.transformation}"`, source.locate(['artifact_definitions', i, 'transformation']), { hint: `declare it under jinja2_transforms: or typescript_transforms:, or use one of: ${transforms.map((y) => y.name).join(', ') || '(none)'}` }));
    }
    artifactDefinitions.push({ ...x, parameters: x.parameters ?? {} });
  });
  unique(raw.artifact_definitions ?? [], 'artifact_definitions', 'artifact definition');
  return { queries, jinja2Transforms, typescriptTransforms, artifactDefinitions, checkDefinitions };
}
