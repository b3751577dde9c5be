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
  { name: 's3', model: 's3-2006-03-01', v3Client: '@aws-sdk/client-s3' },
  { name: 'dynamodb', model: 'dynamodb-2012-08-10', v3Client: '@aws-sdk/client-dynamodb' },
  { name: 'dynamodbstreams', model: 'streams.dynamodb-2012-08-10', v3Client: '@aws-sdk/client-dynamodb-streams' },
  { name: 'sns', model: 'sns-2010-03-31', v3Client: '@aws-sdk/client-sns' },
  { name: 'events', model: 'eventbridge-2015-10-07', v3Client: '@aws-sdk/client-eventbridge' },
  { name: 'scheduler', model: 'scheduler-2021-06-30', v3Client: '@aws-sdk/client-scheduler' },
  { name: 'sqs', model: 'sqs-2012-11-05', v3Client: '@aws-sdk/client-sqs' },
  { name: 'lambda', model: 'lambda-2015-03-31', v3Client: '@aws-sdk/client-lambda' },
  { name: 'logs', model: 'logs-2014-03-28', v3Client: '@aws-sdk/client-cloudwatch-logs' },
  { name: 'iam', model: 'iam-2010-05-08' },
];
