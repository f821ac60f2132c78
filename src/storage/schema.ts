/**
 * The stored schema: which collections exist and how an older store becomes the current one.
 * Migrations are backend-neutral operations so the IndexedDB and file-system stores run the same
 * steps (and the same tests). Add a migration, never edit a shipped one.
 */
import type { JsonObject } from './store.ts';

/** What the pipeline keeps (ARCHITECTURE.md "Data flow"). */
export const COLLECTIONS = [
  'datasets',
  'images',
  'captions',
  'classEmbeddings',
  'candidates',
  'features',
  'policies',
  'runs',
  'reports',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface Migration {
  /** The version this step produces; steps run in order from the stored version + 1. */
  to: number;
  create?: readonly string[];
  drop?: readonly string[];
  /** Rewrite the metadata of every record of one collection (bytes are kept). */
  mapMeta?: { collection: string; fn: (meta: JsonObject, key: string) => JsonObject };
}

export interface Schema<C extends string = string> {
  version: number;
  collections: readonly C[];
  migrations: readonly Migration[];
}

export const SCHEMA: Schema<Collection> = {
  version: 1,
  collections: COLLECTIONS,
  migrations: [{ to: 1, create: COLLECTIONS }],
};

/** The steps from `from` (0 = new store) to `schema.version`; throws when the store is newer. */
export function migrationsFrom(schema: Schema, from: number, where: string): Migration[] {
  if (from > schema.version) {
    throw new Error(
      `${where} was written by a newer AutoGenDA (schema ${from}, this one reads up to ${schema.version}); update the app or use another store`,
    );
  }
  const steps = schema.migrations.filter((m) => m.to > from && m.to <= schema.version);
  steps.sort((a, b) => a.to - b.to);
  return steps;
}
