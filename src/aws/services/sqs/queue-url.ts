// Queue URLs and ARNs. A QueueUrl names the account and the queue in its path; the region comes from
// its host when it has one (sqs.<region>.localhost, sqs.<region>.amazonaws.com,
// <region>.queue.localhost.localstack.cloud), else from the request. Returned URLs are built on
// Fogbank's endpoint so that any client that reached Fogbank can use them.
import { ServiceError } from '../../../core/errors.ts';
import { formatArn, partitionOf } from '../../../core/resources/arn.ts';

export interface QueueAddress {
  account: string;
  region: string;
  name: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;

export function queueUrl(endpoint: string, account: string, name: string): string {
  return `${endpoint}/${account}/${name}`;
}

export { partitionOf };

export function queueArn(region: string, account: string, name: string): string {
  return formatArn({ partition: partitionOf(region), service: 'sqs', region, account, resource: name });
}

/** Account, region and name of a queue ARN; undefined when it is not an SQS queue ARN. */
export function parseQueueArn(arn: string): QueueAddress | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs' || !parts[3] || !parts[4] || !parts[5]) return undefined;
  return { region: parts[3], account: parts[4], name: parts[5] };
}

/**
 * Parses a QueueUrl. Accepts http(s)://<any host>/<account>/<name>, LocalStack's path form
 * /queue/<region>/<account>/<name>, and a trailing slash. Anything else is InvalidAddress.
 */
export function parseQueueUrl(url: string, requestRegion: string): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidAddress(url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidAddress(url);
  const segments = parsed.pathname.split('/').filter((s) => s !== '').map(safeDecode);
  let region = regionOfHost(parsed.hostname) ?? requestRegion;
  let account: string | undefined;
  let name: string | undefined;
  if (segments.length === 2) [account, name] = segments;
  else if (segments.length === 4 && segments[0] === 'queue' && REGION.test(segments[1])) {
    region = segments[1];
    [, , account, name] = segments;
  }
  if (!account || !name || !ACCOUNT.test(account)) throw invalidAddress(url);
  return { account, region, name };
}

function regionOfHost(hostname: string): string | undefined {
  const labels = hostname.toLowerCase().split('.');
  if (labels[0] === 'sqs' && labels[1] && REGION.test(labels[1])) return labels[1];
  if (labels[1] === 'queue' && REGION.test(labels[0])) return labels[0];
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function invalidAddress(url: string): ServiceError {
  return new ServiceError('InvalidAddress', `The address ${url} is not valid for this endpoint.`, 404);
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a queue name for its type; `.fifo` names are FIFO queues. */
export function checkQueueName(name: string, fifo: boolean): void {
  if (fifo) {
    if (!name.endsWith('.fifo') || !NAME.test(name.slice(0, -5)) || name.length > 80) {
      throw new ServiceError(
        'InvalidParameterValue',
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
        400,
      );
    }
    return;
  }
  if (!NAME.test(name)) {
    throw new ServiceError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length', 400);
  }
}
