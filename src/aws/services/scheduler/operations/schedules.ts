// Schedules: create, get, update (a full replacement, as on AWS), delete, list.
import type {
  CreateScheduleInput, CreateScheduleOutput, DeleteScheduleInput, DeleteScheduleOutput, GetScheduleInput, GetScheduleOutput,
  ListSchedulesInput, ListSchedulesOutput, Target, UpdateScheduleInput, UpdateScheduleOutput,
} from '../generated/types.ts';
import { formatArn, parseArn } from '../../../../core/resources/arn.ts';
import { checkTimeZone, parseScheduleExpression, ScheduleExpressionError } from '../../../../core/schedule-expression.ts';
import type { Ctx } from '../state.ts';
import { toData, type ScheduleData, type ScheduleRow } from '../store.ts';
import { conflict, NAME_RE, notFound, paginate, validation } from './common.ts';

async function groupOf(ctx: Ctx, name: string | undefined) {
  const groupName = name ?? 'default';
  const group = await ctx.state.store.group(ctx.account, ctx.region, groupName);
  if (!group) throw notFound(`Schedule group ${groupName} does not exist.`);
  return group;
}

function checkTarget(t: Target): void {
  const arn = parseArn(t.Arn);
  if (!arn) throw validation(`Invalid target ARN ${t.Arn}.`);
  if (!parseArn(t.RoleArn) || parseArn(t.RoleArn)!.service !== 'iam') throw validation(`Invalid RoleArn ${t.RoleArn}.`);
  if (arn.service === 'scheduler' && !/^aws-sdk:[a-z0-9]+:[a-zA-Z0-9]+$/.test(arn.resource)) throw validation(`Invalid universal target ARN ${t.Arn}.`);
  if (arn.service === 'sqs' && arn.resource.endsWith('.fifo') && !t.SqsParameters?.MessageGroupId) throw validation('Target SqsParameters.MessageGroupId is required for FIFO queues.');
  if (arn.service === 'events' && !t.EventBridgeParameters) throw validation('Target EventBridgeParameters is required for EventBridge targets.');
  const r = t.RetryPolicy;
  if (r?.MaximumRetryAttempts !== undefined && (r.MaximumRetryAttempts < 0 || r.MaximumRetryAttempts > 185)) throw validation('RetryPolicy.MaximumRetryAttempts must be between 0 and 185.');
  if (r?.MaximumEventAgeInSeconds !== undefined && (r.MaximumEventAgeInSeconds < 60 || r.MaximumEventAgeInSeconds > 86400)) throw validation('RetryPolicy.MaximumEventAgeInSeconds must be between 60 and 86400.');
  if (t.DeadLetterConfig?.Arn !== undefined && parseArn(t.DeadLetterConfig.Arn)?.service !== 'sqs') throw validation('DeadLetterConfig.Arn must be an SQS queue ARN.');
  if (arn.service === 'scheduler' && t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      throw validation('Target Input must be valid JSON for universal targets.');
    }
  }
}

function buildData(input: CreateScheduleInput | UpdateScheduleInput, groupName: string): ScheduleData {
  if (!NAME_RE.test(input.Name)) throw validation(`1 validation error detected: Value '${input.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$`);
  try {
    parseScheduleExpression(input.ScheduleExpression, true);
  } catch (err) {
    if (err instanceof ScheduleExpressionError) throw validation(`Invalid Schedule Expression ${input.ScheduleExpression}.`);
    throw err;
  }
  if (input.ScheduleExpressionTimezone !== undefined) {
    try {
      checkTimeZone(input.ScheduleExpressionTimezone);
    } catch {
      throw validation(`Invalid Timezone ${input.ScheduleExpressionTimezone}.`);
    }
  }
  const fw = input.FlexibleTimeWindow;
  if (!fw || (fw.Mode !== 'OFF' && fw.Mode !== 'FLEXIBLE')) throw validation('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.');
  if (fw.Mode === 'FLEXIBLE' && (fw.MaximumWindowInMinutes === undefined || fw.MaximumWindowInMinutes < 1 || fw.MaximumWindowInMinutes > 1440)) {
    throw validation('FlexibleTimeWindow.MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE.');
  }
  if (fw.Mode === 'OFF' && fw.MaximumWindowInMinutes !== undefined) throw validation('FlexibleTimeWindow.MaximumWindowInMinutes is not allowed when Mode is OFF.');
  const state = input.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw validation(`Invalid State ${state}.`);
  const after = input.ActionAfterCompletion ?? 'NONE';
  if (after !== 'NONE' && after !== 'DELETE') throw validation(`Invalid ActionAfterCompletion ${after}.`);
  if (input.StartDate && input.EndDate && input.StartDate.getTime() >= input.EndDate.getTime()) throw validation('The StartDate must come before the EndDate.');
  if (input.Description !== undefined && input.Description.length > 512) throw validation('Description must be at most 512 characters.');
  checkTarget(input.Target);
  const data: ScheduleData = {
    Name: input.Name, GroupName: groupName, ScheduleExpression: input.ScheduleExpression, State: state, FlexibleTimeWindow: { ...fw },
    Target: JSON.parse(JSON.stringify(input.Target)), ActionAfterCompletion: after,
  };
  if (input.ScheduleExpressionTimezone !== undefined) data.ScheduleExpressionTimezone = input.ScheduleExpressionTimezone;
  if (input.StartDate) data.StartDate = input.StartDate.getTime();
  if (input.EndDate) data.EndDate = input.EndDate.getTime();
  if (input.Description !== undefined) data.Description = input.Description;
  if (input.KmsKeyArn !== undefined) data.KmsKeyArn = input.KmsKeyArn;
  return data;
}

/**
 * Create, update and delete each decide and write in one unit (name taken? the schedule replaced?),
 * take their place in the write order inside it, and arm or disarm the timer once it has resolved.
 */
export async function createSchedule(input: CreateScheduleInput, ctx: Ctx): Promise<CreateScheduleOutput> {
  const { store, engine } = ctx.state;
  const { row, ticket } = await store.atomically(async () => {
    const group = await groupOf(ctx, input.GroupName);
    const data = buildData(input, group.name);
    if (await store.schedule(ctx.account, ctx.region, group.name, input.Name)) throw conflict(`Schedule ${input.Name} already exists.`);
    const now = ctx.clock.now();
    const row: ScheduleRow = {
      account: ctx.account, region: ctx.region, group_name: group.name, name: input.Name,
      arn: formatArn({ service: 'scheduler', region: ctx.region, account: ctx.account, resource: `schedule/${group.name}/${input.Name}` }), data: JSON.stringify(data), created: now, modified: now, last_fired: null,
    };
    await store.putSchedule(row);
    return { row, ticket: engine.ticket() };
  });
  engine.arm(row, ticket);
  return { ScheduleArn: row.arn };
}

export async function updateSchedule(input: UpdateScheduleInput, ctx: Ctx): Promise<UpdateScheduleOutput> {
  const { store, engine } = ctx.state;
  const { row, ticket } = await store.atomically(async () => {
    const group = await groupOf(ctx, input.GroupName);
    const existing = await store.schedule(ctx.account, ctx.region, group.name, input.Name);
    if (!existing) throw notFound(`Schedule ${input.Name} does not exist.`);
    const data = buildData(input, group.name);
    const old = toData(existing);
    // A changed timetable starts afresh.
    const sameTimetable = old.ScheduleExpression === data.ScheduleExpression && old.ScheduleExpressionTimezone === data.ScheduleExpressionTimezone;
    const row: ScheduleRow = { ...existing, data: JSON.stringify(data), modified: ctx.clock.now(), last_fired: sameTimetable ? existing.last_fired : null };
    await store.putSchedule(row);
    return { row, ticket: engine.ticket() };
  });
  engine.arm(row, ticket);
  return { ScheduleArn: row.arn };
}

export async function getSchedule(input: GetScheduleInput, ctx: Ctx): Promise<GetScheduleOutput> {
  const group = await groupOf(ctx, input.GroupName);
  const row = await ctx.state.store.schedule(ctx.account, ctx.region, group.name, input.Name);
  if (!row) throw notFound(`Schedule ${input.Name} does not exist.`);
  const d = toData(row);
  return {
    ActionAfterCompletion: d.ActionAfterCompletion, Arn: row.arn, CreationDate: new Date(row.created), Description: d.Description,
    EndDate: d.EndDate === undefined ? undefined : new Date(d.EndDate), FlexibleTimeWindow: d.FlexibleTimeWindow, GroupName: row.group_name,
    KmsKeyArn: d.KmsKeyArn, LastModificationDate: new Date(row.modified), Name: row.name, ScheduleExpression: d.ScheduleExpression,
    ScheduleExpressionTimezone: d.ScheduleExpressionTimezone, StartDate: d.StartDate === undefined ? undefined : new Date(d.StartDate),
    State: d.State, Target: d.Target as unknown as Target,
  };
}

export async function deleteSchedule(input: DeleteScheduleInput, ctx: Ctx): Promise<DeleteScheduleOutput> {
  const { store, engine } = ctx.state;
  const { arn, ticket } = await store.atomically(async () => {
    const group = await groupOf(ctx, input.GroupName);
    const row = await store.schedule(ctx.account, ctx.region, group.name, input.Name);
    if (!row) throw notFound(`Schedule ${input.Name} does not exist.`);
    await store.deleteSchedule(row.arn);
    return { arn: row.arn, ticket: engine.ticket() };
  });
  engine.disarm(arn, ticket);
  return {};
}

export async function listSchedules(input: ListSchedulesInput, ctx: Ctx): Promise<ListSchedulesOutput> {
  const { store } = ctx.state;
  if (input.GroupName !== undefined) await groupOf(ctx, input.GroupName);
  if (input.State !== undefined && input.State !== 'ENABLED' && input.State !== 'DISABLED') throw validation(`Invalid State ${input.State}.`);
  let rows = await store.schedules(ctx.account, ctx.region);
  if (input.GroupName !== undefined) rows = rows.filter((r) => r.group_name === input.GroupName);
  if (input.NamePrefix) rows = rows.filter((r) => r.name.startsWith(input.NamePrefix!));
  if (input.State) rows = rows.filter((r) => toData(r).State === input.State);
  const p = await paginate(ctx, rows, input.MaxResults, input.NextToken, (r) => `${r.group_name}/${r.name}`);
  return {
    Schedules: p.items.map((r) => {
      const d = toData(r);
      return { Arn: r.arn, CreationDate: new Date(r.created), GroupName: r.group_name, LastModificationDate: new Date(r.modified), Name: r.name, State: d.State, Target: { Arn: d.Target.Arn } };
    }),
    NextToken: p.next,
  };
}
