import { diag, type Diagnostic } from '../diagnostics.js';
import type { YamlSource } from '../yaml/source.js';

/**
 * `svc init --from-infrahub`: what of an Infrahub repository's .infrahub.yml becomes an svc catalog.
 * Pure: the parsed file in, the plan out (the app copies, loads and commits). Schemas and object
 * files carry over as they are; Infrahub's Python generators, GraphQL queries, transforms, artifact and
 * check definitions and menus have no counterpart in svc yet, and are listed as left behind.
 */
export interface InfrahubPlan {
  /** Schema files and folders, relative to the repository (copied to the same place). */
  schemas: string[];
  /** Object files and folders, in the order .infrahub.yml lists them (copied, then loaded). */
  objects: string[];
  leftBehind: LeftBehind[];
  diagnostics: Diagnostic[];
}

export interface LeftBehind {
  /** The .infrahub.yml key. */
  key: string;
  /** The entry's name or path. */
  name: string;
  why: string;
}

const WHY: Record<string, string> = {
  generator_definitions: "a Python generator: svc's are TypeScript modules (generators/*.ts, see svc's README); rewrite it and list it under generator_definitions",
  queries: 'not carried over yet: copy the .gql file and list it under queries: (svc runs Infrahub queries unchanged)',
  jinja2_transforms: 'not carried over yet: copy the template and list it under jinja2_transforms:',
  python_transforms: 'a Python transform: svc\'s are TypeScript modules exporting transform(data); rewrite it and list it under typescript_transforms',
  artifact_definitions: 'not carried over yet: list it under artifact_definitions: once its transform is there',
  check_definitions: 'a Python check: svc\'s are TypeScript modules exporting check(data) that return findings; rewrite it and list it under check_definitions',
  menus: 'svc has no web interface',
};

export function planFromInfrahub(src: YamlSource): InfrahubPlan {
  const out: InfrahubPlan = { schemas: [], objects: [], leftBehind: [], diagnostics: [] };
  const v = src.value;
  if (v === null || v === undefined) return out;
  if (typeof v !== 'object' || Array.isArray(v)) {
    out.diagnostics.push(diag('error', 'init/infrahub-config', '.infrahub.yml is not a mapping', src.locate([])));
    return out;
  }
  const raw = v as Record<string, unknown>;
  const paths = (key: string): string[] => {
    const list = raw[key];
    if (list === undefined) return [];
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
      out.diagnostics.push(diag('error', 'init/infrahub-config', `${key}: expected a list of paths`, src.locate([key])));
      return [];
    }
    return list as string[];
  };
  out.schemas = paths('schemas');
  out.objects = paths('objects');
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'schemas' || key === 'objects') continue;
    const why = WHY[key];
    if (why === undefined) {
      out.leftBehind.push({ key, name: '', why: 'not an .infrahub.yml key svc knows' });
      continue;
    }
    for (const entry of Array.isArray(value) ? value : [value]) out.leftBehind.push({ key, name: entryName(entry), why });
  }
  return out;
}

/** An entry's name (`name:`), else its path (`file_path:`, or the entry itself when it is a path). */
function entryName(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (entry !== null && typeof entry === 'object') {
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name : '';
    const file = typeof e.file_path === 'string' ? e.file_path : typeof e.template_path === 'string' ? e.template_path : '';
    return name && file ? `${name} (${file})` : name || file;
  }
  return String(entry);
}

/** The catalog's .orchestrator.yml: the schemas, and a note of where it came from. */
export function orchestratorConfigFrom(plan: InfrahubPlan, from: string): string {
  const lines = [
    `# Made by \`svc init --from-infrahub\` from ${from}/.infrahub.yml.`,
    ...(plan.leftBehind.length ? ['# Not carried over (see the report of that run, or svc\'s README): ' + [...new Set(plan.leftBehind.map((l) => l.key))].join(', ') + '.'] : []),
    `# The object files (${plan.objects.length ? plan.objects.join(', ') : 'none'}) were loaded into inventory/ once; the inventory holds them now.`,
    'schemas:',
    ...(plan.schemas.length ? plan.schemas.map((s) => `  - ${JSON.stringify(s)}`) : []),
    'inventory: inventory',
  ];
  if (!plan.schemas.length) lines[lines.indexOf('schemas:')] = 'schemas: []';
  return `${lines.join('\n')}\n`;
}
