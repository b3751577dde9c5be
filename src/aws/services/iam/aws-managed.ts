// AWS managed policies (`arn:aws:iam::aws:policy/...`): every one AWS publishes, with its real document,
// path, default version id and dates, from generated/aws-managed-policies.json.gz (written by
// scripts/managed-policies.ts from a catalogue refreshed daily from AWS). Only each policy's default
// version is kept. The catalogue is read on first use, never at start-up, and then kept: it is read
// synchronously because lookups happen inside units of work, which may await only the store.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ServiceError } from '../../../core/errors.ts';
import type { PolicyRow, VersionRow } from './store.ts';
import type { Ctx } from './store.ts';

/** An AWS managed policy, shaped as a customer managed one's rows so the same output shapes serve both. */
export interface AwsManagedPolicy {
  row: PolicyRow;
  version: VersionRow;
}

type CatalogueRow = [path: string, name: string, id: string, version: string, created: string, updated: string, versionCreated: string, document: string];

let catalogue: { byResource: Map<string, AwsManagedPolicy>; all: AwsManagedPolicy[] } | undefined;

function load(): NonNullable<typeof catalogue> {
  if (catalogue) return catalogue;
  const file = new URL('./generated/aws-managed-policies.json.gz', import.meta.url);
  const { policies } = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { policies: CatalogueRow[] };
  const byResource = new Map<string, AwsManagedPolicy>();
  const all: AwsManagedPolicy[] = [];
  for (const [path, name, id, version, created, updated, versionCreated, document] of policies) {
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
  catalogue = { byResource, all };
  return catalogue;
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
