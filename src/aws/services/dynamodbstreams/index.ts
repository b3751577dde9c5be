// Amazon DynamoDB Streams: the change records of DynamoDB tables. It reads the dynamodb service's
// store; its requests are signed for 'dynamodb' and told apart by their X-Amz-Target prefix.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { DynamodbstreamsHandlers } from './generated/types.ts';
import { dynamoStore, type DynamoStore } from '../dynamodb/store.ts';
import { dynamodbErrorType } from '../dynamodb/errors.ts';
import { startBackground } from '../dynamodb/engine/background.ts';
import { describeStream, getRecords, getShardIterator, listStreams } from './operations/streams.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<DynamodbstreamsHandlers, DynamoStore>({
  name: 'dynamodbstreams',
  model,
  state: dynamoStore,
  start: startBackground,
  hooks: { crc32: true, errorType: dynamodbErrorType },
  handlers: {
    ListStreams: listStreams,
    DescribeStream: describeStream,
    GetShardIterator: getShardIterator,
    GetRecords: getRecords,
  },
});
