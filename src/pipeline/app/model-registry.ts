/** The model manifests bundled with the app: models/*.json, parsed at build time by Vite's glob. */
import { makeRegistry, type Registry } from '../../models/registry.ts';

let bundled: Registry | undefined;

/** The manifests shipped in models/ (bundled into the app; no request needed to list them). */
export function bundledRegistry(): Registry {
  bundled ??= makeRegistry(import.meta.glob('../../../models/*.json', { eager: true, import: 'default' }));
  return bundled;
}
