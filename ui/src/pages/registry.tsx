// Pages of individual services, added as each service gains one. Services without a page are shown
// by the generic view (pages/Services.tsx).
import type { ComponentType } from 'react';

export interface ServicePage {
  /** URL segment under /_fogbank/ui/, e.g. 's3'. */
  path: string;
  title: string;
  /** Fogbank's service name(s) the page covers. */
  services: string[];
  Component: ComponentType<{ path: string }>;
}

import { S3Page } from './S3.tsx';
import { SqsPage } from './SQS.tsx';
import { DynamoDBPage } from './DynamoDB.tsx';
import { SnsEventsPage } from './SnsEvents.tsx';
import { LambdaLogsPage } from './LambdaLogs.tsx';

export const servicePages: ServicePage[] = [
  { path: 's3', title: 'S3', services: ['s3'], Component: S3Page },
  { path: 'sqs', title: 'SQS', services: ['sqs'], Component: SqsPage },
  { path: 'dynamodb', title: 'DynamoDB', services: ['dynamodb', 'dynamodbstreams'], Component: DynamoDBPage },
  { path: 'sns-events', title: 'SNS / EventBridge', services: ['sns', 'events', 'scheduler'], Component: SnsEventsPage },
  { path: 'lambda-logs', title: 'Lambda / Logs', services: ['lambda', 'logs'], Component: LambdaLogsPage },
];
