// AWS managed policies (`arn:aws:iam::aws:policy/...`): every one AWS publishes, with its real document,
// path, default version id and dates, from generated/aws-managed-policies.json.gz (written by
// scripts/managed-policies.ts from a catalogue refreshed daily from AWS). Only each policy's default
// version is kept. The catalogue is read on first use, never at start-up, and then kept. Lookups are
// synchronous, because they happen inside units of work, which may await only the store; handlers that
// may touch an AWS policy first await awsManagedCatalogue(), which reads and unzips the file off the
// event loop, so the synchronous read below is only a fallback (both: ~50 ms on the main thread, once).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { ServiceError } from '../../../core/errors.ts';
import type { PolicyRow, VersionRow } from './store.ts';
import type { Ctx } from './store.ts';

/** An AWS managed policy, shaped as a customer managed one's rows so the same output shapes serve both. */
export interface AwsManagedPolicy {
  row: PolicyRow;
  version: VersionRow;
}

type CatalogueRow = [path: string, name: string, id: string, version: string, created: string, updated: string, versionCreated: string, documentLength: number];

interface Catalogue {
  byResource: Map<string, AwsManagedPolicy>;
  all: AwsManagedPolicy[];
}

const FILE = new URL('./generated/aws-managed-policies.json.gz', import.meta.url);
let catalogue: Catalogue | undefined;
let reading: Promise<void> | undefined;

/** Reads the catalogue without blocking the event loop; await it before a unit that looks policies up. */
export function awsManagedCatalogue(): Promise<void> {
  if (catalogue) return Promise.resolve();
  reading ??= (async () => {
    const text = (await promisify(gunzip)(await readFile(FILE))).toString('utf8');
    catalogue ??= build(text);
  })();
  return reading;
}

function load(): Catalogue {
  catalogue ??= build(gunzipSync(readFileSync(FILE)).toString('utf8'));
  return catalogue;
}

/** The file: a JSON index on the first line, then every document back to back (lengths in the index). */
function build(text: string): Catalogue {
  const newline = text.indexOf('\n');
  const { policies } = JSON.parse(text.slice(0, newline)) as { policies: CatalogueRow[] };
  const byResource = new Map<string, AwsManagedPolicy>();
  const all: AwsManagedPolicy[] = [];
  let at = newline + 1;
  for (const [path, name, id, version, created, updated, versionCreated, length] of policies) {
    const document = text.slice(at, at + length);
    at += length;
    const arn = `arn:aws:iam::aws:policy${path}${name}`;
    const policy: AwsManagedPolicy = {
      row: {
        account: 'aws', arn, name, path, id, description: null, default_version: version, next_version: 0,
        created: Date.parse(created), updated: Date.parse(updated), tags: '[]',
      },
      version: { arn, version, document, created: Date.parse(versionCreated) },
    };
    byResource.set(`${path}${name}`, policy);
    all.push(policy);
  }
  if (at !== text.length) throw new Error('aws-managed-policies.json.gz: the index does not match the documents (rerun scripts/managed-policies.ts)');
  return { byResource, all };
}

const AWS_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy(\/.*)$/;

/** The AWS managed policy an ARN names, or undefined when AWS has none by that path and name. */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  const m = AWS_POLICY_ARN.exec(arn);
  return m ? load().byResource.get(m[1]) : undefined;
}

/** Whether the ARN names an AWS managed policy that exists. */
export function isAwsManagedPolicy(arn: string): boolean {
  return awsManagedPolicy(arn) !== undefined;
}

/** Every AWS managed policy whose path starts with `pathPrefix`, by name. */
export function awsManagedPolicies(pathPrefix = '/'): AwsManagedPolicy[] {
  const all = load().all;
  return pathPrefix === '/' ? all : all.filter((p) => p.row.path.startsWith(pathPrefix));
}

/** Whether the ARN is in AWS's own account (`arn:aws:iam::aws:...`), existing or not. */
export function inAwsAccount(arn: string): boolean {
  return AWS_POLICY_ARN.test(arn);
}

/**
 * AWS managed policies belong to AWS's account: no caller may delete, version or tag them. IAM refuses
 * as it refuses any write to another account's resource that no resource-based policy allows.
 */
export function awsPolicyReadOnly(ctx: Ctx, action: string, arn: string): ServiceError {
  return new ServiceError(
    'AccessDenied',
    `User: ${ctx.caller.arn} is not authorized to perform: iam:${action} on resource: policy ${arn} because no resource-based policy allows the iam:${action} action`,
    403,
  );
}

/**
 * The default version of a managed policy, customer or AWS, for what evaluates policies (simulation,
 * context keys): AWS's come from the catalogue, read first if it is not yet (so never call this inside
 * a unit of work).
 */
export async function defaultVersionOf(ctx: Ctx, arn: string): Promise<{ name: string; document: string; aws: boolean } | undefined> {
  if (AWS_POLICY_ARN.test(arn)) {
    await awsManagedCatalogue();
    const p = awsManagedPolicy(arn);
    return p && { name: p.row.name, document: p.version.document, aws: true };
  }
  const policy = await ctx.state.policy(arn);
  const version = policy && (await ctx.state.version(arn, policy.default_version));
  return version && { name: policy.name, document: version.document, aws: false };
}
