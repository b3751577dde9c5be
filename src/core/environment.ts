// Fogbank-wide facilities handed to every service. Filled in by src/fogbank.ts.
import type { ControllableClock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Database } from '../store/database.ts';
import type { BlobStore } from '../store/blobs.ts';

export interface Environment {
  /** Absolute data directory (a temporary one when ephemeral). */
  dataDir: string;
  ephemeral: boolean;
  /** Where clients reach Fogbank, e.g. http://localhost:4566. */
  endpoint: string;
  db: Database;
  blobs: BlobStore;
  clock: ControllableClock;
  log: Logger;
}
