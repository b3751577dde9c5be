// Amazon CloudWatch Logs: log groups (retention on the clock, KMS key, tags), streams, events with
// filter patterns, subscription filters that deliver matching events (to Lambda and, when they exist,
// Kinesis/Firehose), metric filters. Lambda writes every invocation's log here.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { LogsHandlers } from './generated/types.ts';
import { LogsStore } from './store.ts';
import * as groups from './operations/groups.ts';
import * as streams from './operations/streams.ts';
import * as events from './operations/events.ts';
import * as filters from './operations/filters.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

/** How often expired events are purged; reads never return them in between. */
const PURGE_INTERVAL = 3_600_000;

export default defineService<LogsHandlers, LogsStore>({
  name: 'logs',
  model,
  // CloudWatch Logs answers Coral's validation messages with its own code.
  hooks: { validationError: 'InvalidParameterException' },
  state: (env) => new LogsStore(env),
  start: (env, store) => {
    const timer = env.clock.setInterval(() => {
      store.purgeExpired(env.clock.now()).catch((err) => env.log.warn(`logs: purging expired events failed: ${(err as Error).message}`));
    }, PURGE_INTERVAL);
    return () => env.clock.clearTimeout(timer);
  },
  handlers: {
    CreateLogGroup: groups.createLogGroup,
    DeleteLogGroup: groups.deleteLogGroup,
    DescribeLogGroups: groups.describeLogGroups,
    PutRetentionPolicy: groups.putRetentionPolicy,
    DeleteRetentionPolicy: groups.deleteRetentionPolicy,
    AssociateKmsKey: groups.associateKmsKey,
    DisassociateKmsKey: groups.disassociateKmsKey,
    PutLogGroupDeletionProtection: groups.putLogGroupDeletionProtection,
    TagLogGroup: groups.tagLogGroup,
    UntagLogGroup: groups.untagLogGroup,
    ListTagsLogGroup: groups.listTagsLogGroup,
    TagResource: groups.tagResource,
    UntagResource: groups.untagResource,
    ListTagsForResource: groups.listTagsForResource,
    CreateLogStream: streams.createLogStream,
    DeleteLogStream: streams.deleteLogStream,
    DescribeLogStreams: streams.describeLogStreams,
    PutLogEvents: events.putLogEvents,
    GetLogEvents: events.getLogEvents,
    FilterLogEvents: events.filterLogEvents,
    PutSubscriptionFilter: filters.putSubscriptionFilter,
    DescribeSubscriptionFilters: filters.describeSubscriptionFilters,
    DeleteSubscriptionFilter: filters.deleteSubscriptionFilter,
    PutMetricFilter: filters.putMetricFilter,
    DescribeMetricFilters: filters.describeMetricFilters,
    DeleteMetricFilter: filters.deleteMetricFilter,
    TestMetricFilter: filters.testMetricFilter,
  },
});
