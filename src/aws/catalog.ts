// The AWS services Fogbank registers: its name for each, the aws-sdk (v2) model it is generated from,
// and the AWS SDK v3 client whose current schemas codegen merges in (members the v2 models lack).
// Adding a service: add it here, run `npm run codegen`, write src/aws/services/<name>/index.ts.

export interface CatalogEntry {
  name: string;
  /** File stem in aws-sdk/apis, e.g. 'sts-2011-06-15'. */
  model: string;
  /** npm package of the v3 client carrying the newest schema, when installed. */
  v3Client?: string;
}

export const awsCatalog: readonly CatalogEntry[] = [
  { name: 'sts', model: 'sts-2011-06-15', v3Client: '@aws-sdk/client-sts' },
];
