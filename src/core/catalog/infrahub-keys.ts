import { diag, type Diagnostic } from '../diagnostics.js';
import type { YamlSource } from '../yaml/source.js';

/**
 * The .infrahub.yml keys svc accepts in .orchestrator.yml without using them, and what a team does
 * in svc instead. A warning (not `config/unknown-key`), so the same file serves both tools.
 */
export const INFRAHUB_ONLY: Record<string, string> = {
  python_transforms: 'svc cannot run Python: write the transform in TypeScript under typescript_transforms (file_path, query; the module exports transform(data))',
  objects: 'load them into the inventory with `svc load <files>` (once: the inventory then holds them)',
  menus: 'svc has no web interface to put menus in',
};

export function infrahubOnlyKeys(source: YamlSource, value: Record<string, unknown>): Diagnostic[] {
  return Object.keys(INFRAHUB_ONLY)
    .filter((k) => k in value)
    .map((k) =>
      diag('warning', 'config/infrahub-only', `${k}: an .infrahub.yml key svc does not use yet; ignored`, source.locateKey([k]), { key: k, hint: INFRAHUB_ONLY[k]! }),
    );
}
