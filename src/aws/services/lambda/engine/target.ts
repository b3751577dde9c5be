// Which version an invocation runs: $LATEST, a published version, or an alias (with weighted routing
// between two versions).
import type { FunctionRow, LambdaTables, VersionRow } from '../store.ts';
import { parseConfig, type StoredConfig } from '../config.ts';
import { functionArn, functionNotFound, isVersionNumber, type FunctionRef } from '../names.ts';

export interface Target {
  fn: FunctionRow;
  version: VersionRow;
  config: StoredConfig;
  /** The ARN as invoked: qualified when a version or alias was named. */
  invokedArn: string;
  /** The alias or version named, if any. */
  qualifier?: string;
  alias?: string;
}

export async function resolveTarget(tables: LambdaTables, ref: FunctionRef, random: () => number = Math.random): Promise<Target> {
  const fn = await tables.fn(ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(ref);
  const q = ref.qualifier;
  let versionName = '$LATEST';
  let alias: string | undefined;
  if (q !== undefined && q !== '$LATEST') {
    if (isVersionNumber(q)) versionName = q;
    else {
      const a = await tables.alias(fn.id, q);
      if (!a) throw functionNotFound(ref);
      alias = q;
      versionName = a.version;
      if (a.routing) {
        const weights = (JSON.parse(a.routing) as { AdditionalVersionWeights?: Record<string, number> }).AdditionalVersionWeights ?? {};
        let r = random();
        for (const [v, w] of Object.entries(weights)) {
          if (r < w) {
            versionName = v;
            break;
          }
          r -= w;
        }
      }
    }
  }
  const version = await tables.version(fn.id, versionName);
  if (!version) throw functionNotFound(ref);
  return {
    fn,
    version,
    config: parseConfig(version),
    invokedArn: functionArn(fn.account, fn.region, fn.name, q),
    qualifier: q,
    alias,
  };
}

/** The ARN Lambda reports for a version in records and destinations: always qualified. */
export function versionArn(t: Target): string {
  return functionArn(t.fn.account, t.fn.region, t.fn.name, t.version.version);
}

export function functionKey(fn: Pick<FunctionRow, 'account' | 'region' | 'name'>): string {
  return `${fn.account}/${fn.region}/${fn.name}`;
}
