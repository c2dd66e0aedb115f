import { join, relative, resolve } from 'node:path';
import { diag, hasErrors, type Diagnostic } from '../diagnostics.js';
import { UsageError } from '../errors.js';
import { ownValidator } from '../own-schema.js';
import type { FileHost } from '../host.js';
import type { YamlSource } from '../yaml/source.js';
import { parseYamlQuick } from '../yaml/quick.js';
import { checkShape } from '../yaml/shape.js';
import { catalogConfigSchema } from './config-schema.js';
import { infrahubOnlyKeys } from './infrahub-keys.js';
import { CONFIG_FILE, findCatalogRoot } from './root.js';
import { parseRenderConfig, type RenderConfig } from '../render/config.js';

export interface GeneratorDefinition {
  name: string;
  /** Absolute path of the module. */
  file: string;
  /** As written, relative to the catalog root. */
  file_path: string;
  targets: string;
  description?: string;
  parameters: Record<string, string | number | boolean>;
}

/** A loaded catalog: where everything is, with every default filled in. Paths are absolute. */
export interface Catalog {
  root: string;
  configFile: string;
  schemas: string[];
  products: string[];
  inventory: string;
  defaultBranch: string | undefined;
  generators: GeneratorDefinition[];
  /** `strict: true`: every warning is an error, for every command that checks the catalog. */
  strict: boolean;
  /** The config's own warnings (keys kept for .infrahub.yml's sake), for `svc validate` and strict mode. */
  warnings: Diagnostic[];
  /** What one generator run may use (`generator_limits:`), with the defaults applied. */
  generatorLimits: GeneratorLimits;
  /** queries, jinja2_transforms, artifact_definitions (see ../render/config.ts). */
  render: RenderConfig;
  /** The parsed config, for positioned diagnostics about it. */
  source: YamlSource;
}

export interface GeneratorLimits {
  /** CPU time of one run (one generator, one target), in milliseconds. */
  cpuMs: number;
  /** The generator's heap, in megabytes. */
  memoryMb: number;
}

/** Enough for any honest generator many times over; small enough that a runaway one is stopped soon. */
export const DEFAULT_GENERATOR_LIMITS: GeneratorLimits = { cpuMs: 30_000, memoryMb: 256 };

export interface CatalogLoad {
  catalog: Catalog | undefined;
  diagnostics: Diagnostic[];
}

const validator = ownValidator(catalogConfigSchema);

/**
 * Config texts known to pass the JSON Schema check, so that it can be skipped (the check is the only
 * use of ajv a quick command has). Keyed by the exact text: every other check still runs.
 */
export interface ConfigMemo {
  known(root: string, text: string): boolean;
  remember(root: string, text: string): void;
}

/**
 * Finds and reads the catalog. `explicitDir` is the global `-C <dir>`: then the file must be right
 * there, as with `git -C`, rather than searched for upward.
 */
export function openCatalog(cwd: string, host: FileHost, explicitDir?: string, memo?: ConfigMemo): CatalogLoad {
  let root: string | undefined;
  if (explicitDir !== undefined) {
    const dir = resolve(cwd, explicitDir);
    if (!host.isDirectory(dir)) throw new UsageError('catalog/not-found', `-C ${explicitDir}: no such folder`, { hint: 'name an existing folder that holds .orchestrator.yml' });
    root = findCatalogRoot(dir, host);
  } else {
    root = findCatalogRoot(cwd, host);
  }
  if (root === undefined) {
    throw new UsageError('catalog/not-found', `not inside a catalog: no ${CONFIG_FILE} in ${resolve(cwd, explicitDir ?? '.')} or any folder above it`, {
      hint: 'run svc in a catalog, point at one with -C <dir>, or create one with `svc init <dir>`',
    });
  }
  const configFile = join(root, CONFIG_FILE);
  return parseCatalog(host.readText(configFile), root, CONFIG_FILE, memo);
}

/** Pure: the config text → a Catalog with defaults, or the diagnostics that prevent one. */
export function parseCatalog(text: string, root: string, displayName = CONFIG_FILE, memo?: ConfigMemo): CatalogLoad {
  const source = parseYamlQuick(text, displayName);
  const diagnostics: Diagnostic[] = [...source.diagnostics];
  if (hasErrors(diagnostics)) return { catalog: undefined, diagnostics };
  const value = source.value ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diagnostics.push(diag('error', 'config/not-a-mapping', `${displayName} must be a mapping of keys such as schemas:`, source.locate([]), { hint: 'start with `schemas: [schemas]`' }));
    return { catalog: undefined, diagnostics };
  }
  const known = memo?.known(root, text) === true;
  if (!known) diagnostics.push(...checkShape(validator(), { ...source, value }, 'config'));
  if (hasErrors(diagnostics)) return { catalog: undefined, diagnostics };
  const raw = value as {
    schemas?: string[];
    products?: string[];
    inventory?: string;
    default_branch?: string;
    strict?: boolean;
    generator_limits?: { cpu_seconds?: number; memory_mb?: number };
    generator_definitions?: { name: string; file_path: string; targets: string; description?: string; parameters?: Record<string, string | number | boolean> }[];
  } & Parameters<typeof parseRenderConfig>[0];
  const inside = (p: string, key: (string | number)[]): string | undefined => {
    const abs = resolve(root, p);
    const rel = relative(root, abs);
    if (rel.startsWith('..') || resolve(rel) === rel) {
      diagnostics.push(diag('error', 'config/outside-catalog', `${key.join('.')}: "${p}" points outside the catalog`, source.locate(key), { hint: 'use a path inside the catalog folder' }));
      return undefined;
    }
    return abs;
  };
  const paths = (list: string[] | undefined, name: string, fallback: string): string[] =>
    (list ?? [fallback]).flatMap((p, i) => inside(p, [name, i]) ?? []);
  const seen = new Map<string, number>();
  const generators: GeneratorDefinition[] = [];
  (raw.generator_definitions ?? []).forEach((g, i) => {
    if (seen.has(g.name)) {
      diagnostics.push(diag('error', 'config/duplicate-generator', `generator "${g.name}" is defined twice`, source.locate(['generator_definitions', i, 'name']), { hint: 'give each generator a unique name' }));
    }
    seen.set(g.name, i);
    const file = inside(g.file_path, ['generator_definitions', i, 'file_path']);
    if (file === undefined) return;
    generators.push({
      name: g.name,
      file,
      file_path: g.file_path,
      targets: g.targets,
      ...(g.description !== undefined ? { description: g.description } : {}),
      parameters: g.parameters ?? {},
    });
  });
  const catalog: Catalog = {
    root,
    configFile: join(root, displayName),
    schemas: paths(raw.schemas, 'schemas', 'schemas'),
    products: paths(raw.products, 'products', 'products'),
    inventory: inside(raw.inventory ?? 'inventory', ['inventory']) ?? join(root, 'inventory'),
    defaultBranch: raw.default_branch,
    generators,
    strict: raw.strict === true,
    warnings: [],
    generatorLimits: {
      cpuMs: Math.round((raw.generator_limits?.cpu_seconds ?? DEFAULT_GENERATOR_LIMITS.cpuMs / 1000) * 1000),
      memoryMb: raw.generator_limits?.memory_mb ?? DEFAULT_GENERATOR_LIMITS.memoryMb,
    },
    render: parseRenderConfig(raw, source, inside, diagnostics),
    source,
  };
  if (hasErrors(diagnostics)) return { catalog: undefined, diagnostics };
  // Remembered only when nothing at all was said: a warning must be heard again next time.
  if (!known && diagnostics.length === 0) memo?.remember(root, text);
  // After the memo: these do not depend on the JSON Schema check, and are found again every time.
  diagnostics.push(...infrahubOnlyKeys(source, value as Record<string, unknown>));
  catalog.warnings = diagnostics.filter((d) => d.severity === 'warning');
  return { catalog, diagnostics };
}
