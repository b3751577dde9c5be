// Subscription filters at work: the events of each PutLogEvents that match a group's filter go to its
// destination as one DATA_MESSAGE (gzipped JSON), through env.deliver. A Lambda function receives it as
// `{"awslogs":{"data":"<base64>"}}`; Kinesis and Firehose get the gzipped bytes, base64 in the body.
import { gzipSync } from 'node:zlib';
import type { RequestContext } from '../../../core/service.ts';
import type { GroupRow, LogsStore } from './store.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import { groupArn } from './common.ts';

export interface DeliveredEvent {
  id: number;
  timestamp: number;
  message: string;
}

export async function forwardToSubscriptions(ctx: RequestContext<LogsStore>, g: GroupRow, stream: string, events: DeliveredEvent[]): Promise<void> {
  const filters = await ctx.state.subscriptions(g.id);
  for (const f of filters) {
    let matcher;
    try {
      matcher = compileFilterPattern(f.pattern);
    } catch {
      continue;
    }
    const matched = events.filter((e) => matcher.matches(e.message));
    if (matched.length === 0) continue;
    const message = {
      messageType: 'DATA_MESSAGE',
      owner: g.account,
      logGroup: g.name,
      logStream: stream,
      subscriptionFilters: [f.name],
      logEvents: matched.map((e) => ({ id: String(e.id).padStart(56, '0'), timestamp: e.timestamp, message: e.message })),
    };
    const data = gzipSync(JSON.stringify(message)).toString('base64');
    const toLambda = /^arn:[^:]+:lambda:/.test(f.destination_arn);
    ctx.env
      .deliver({
        target: f.destination_arn,
        body: toLambda ? JSON.stringify({ awslogs: { data } }) : data,
        options: toLambda ? { invocationType: 'Event' } : { encoding: 'base64', partitionKey: stream },
        source: { service: 'logs', arn: groupArn(g), requestId: ctx.requestId },
      })
      .catch((err) => ctx.log.warn(`subscription filter ${f.name} of ${g.name} could not deliver to ${f.destination_arn}: ${(err as Error).message}`));
  }
}
