// Log streams: create, delete, describe (by name or by last event time, either direction).
import type * as T from '../generated/types.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { type Ctx, decodeToken, encodeToken, findGroup, invalidParameter, requireGroup, streamArn, streamNotFound } from '../common.ts';

export async function createLogStream(input: T.CreateLogStreamRequest, ctx: Ctx): Promise<void> {
  constraints()
    .length('logStreamName', input.logStreamName, 1, 512)
    .pattern('logStreamName', input.logStreamName, /^[^:*]*$/, '[^:*]*')
    .check('InvalidParameterException');
  return ctx.state.atomically(async () => {
    const g = await requireGroup(ctx, input.logGroupName);
    if (await ctx.state.stream(g.id, input.logStreamName)) {
      throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
    }
    await ctx.state.createStream(g.id, input.logStreamName, ctx.clock.now());
  });
}

export async function deleteLogStream(input: T.DeleteLogStreamRequest, ctx: Ctx): Promise<void> {
  const g = await requireGroup(ctx, input.logGroupName);
  const s = await ctx.state.stream(g.id, input.logStreamName);
  if (!s) throw streamNotFound();
  await ctx.state.deleteStream(s.id);
}

export async function describeLogStreams(input: T.DescribeLogStreamsRequest, ctx: Ctx): Promise<T.DescribeLogStreamsResponse> {
  constraints().range('limit', input.limit, 1, 50).check('InvalidParameterException');
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
  }
  if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const g = await findGroup(ctx, input);
  const limit = input.limit ?? 50;
  const descending = input.descending ?? false;
  const token = await decodeToken<{ after?: string; offset?: number }>(ctx, input.nextToken);
  const rows =
    orderBy === 'LogStreamName'
      ? await ctx.state.streamsByName(g.id, input.logStreamNamePrefix ?? '', token?.after ?? '', descending, limit + 1)
      : await ctx.state.streamsByLastEvent(g.id, descending, token?.offset ?? 0, limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.name,
      creationTime: s.created_at,
      firstEventTimestamp: s.first_event ?? undefined,
      lastEventTimestamp: s.last_event ?? undefined,
      lastIngestionTime: s.last_ingestion ?? undefined,
      uploadSequenceToken: sequenceToken(s.sequence),
      arn: streamArn(g, s.name),
      storedBytes: s.stored_bytes,
    })),
    nextToken: more
      ? await encodeToken(ctx, orderBy === 'LogStreamName' ? { after: page[page.length - 1].name } : { offset: (token?.offset ?? 0) + limit })
      : undefined,
  };
}

/** The upload sequence token AWS still reports (PutLogEvents no longer requires it). */
export function sequenceToken(sequence: number): string {
  return String(49_000_000_000 + sequence).padStart(56, '0');
}
