// A snapshot's manifest (manifest.json beside its database): what wrote it and what it holds. The
// schema versions shown here are informative; restore and import read the database's own
// _migrations table, which a hand-edited manifest cannot hide.
import { ServiceError } from '../errors.ts';

export const FORMAT = 1;

export interface SnapshotManifest {
  format: number;
  name: string;
  fogbankVersion: string;
  createdAt: string;
  /** Applied migrations per component ('core', 'sqs', ...) in the saved database. */
  schemaVersions: Record<string, number>;
  sizes: {
    database: number;
    blobs: number;
    blobCount: number;
    engines: Record<string, number>;
    total: number;
  };
}

/** Snapshot names become directory names: a strict pattern, checked before any path is built. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ServiceError(
      'InvalidSnapshotName',
      'A snapshot name is 1 to 100 letters, digits, dots, hyphens and underscores, starting with a letter or digit',
      400,
    );
  }
  return name;
}

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

export function parseManifest(text: string): SnapshotManifest {
  let m: Partial<SnapshotManifest>;
  try {
    m = JSON.parse(text);
  } catch {
    throw new ServiceError('InvalidSnapshot', 'The snapshot manifest is not JSON', 400);
  }
  if (!m || typeof m !== 'object' || typeof m.format !== 'number' || typeof m.schemaVersions !== 'object' || !m.sizes) {
    throw new ServiceError('InvalidSnapshot', 'The snapshot manifest lacks format, schemaVersions or sizes', 400);
  }
  if (m.format > FORMAT) {
    throw new ServiceError('SnapshotTooNew', `The snapshot was written by a newer Fogbank (${m.fogbankVersion ?? '?'}, format ${m.format}); upgrade Fogbank to use it`, 409);
  }
  return m as SnapshotManifest;
}

/**
 * Refuses a database whose schema is ahead of this code: a component unknown here, or a version
 * above what its migrations know. `known` is Database.knownSchemaVersions() once every component of
 * the snapshot has been opened; older versions are fine (the migrations run on restore).
 */
export function checkSchemaVersions(saved: Record<string, number>, known: Record<string, number>, savedBy: string): void {
  for (const [component, version] of Object.entries(saved)) {
    const here = known[component];
    if (here === undefined) {
      throw new ServiceError('SnapshotTooNew', `The snapshot was written by a newer Fogbank (${savedBy}): it has state of '${component}', which this version does not know. Upgrade Fogbank to restore it.`, 409);
    }
    if (version > here) {
      throw new ServiceError(
        'SnapshotTooNew',
        `The snapshot was written by a newer Fogbank (${savedBy}): ${component} schema version ${version}, this version knows ${here}. Upgrade Fogbank to restore it.`,
        409,
      );
    }
  }
}
