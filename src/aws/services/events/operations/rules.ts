// Rules (pattern and schedule), their targets, and TestEventPattern.
import type {
  DeleteRuleRequest, DescribeRuleRequest, DescribeRuleResponse, DisableRuleRequest, EnableRuleRequest, ListRuleNamesByTargetRequest,
  ListRuleNamesByTargetResponse, ListRulesRequest, ListRulesResponse, ListTargetsByRuleRequest, ListTargetsByRuleResponse,
  PutRuleRequest, PutRuleResponse, PutTargetsRequest, PutTargetsResponse, RemoveTargetsRequest, RemoveTargetsResponse, Target,
  TestEventPatternRequest, TestEventPatternResponse,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { formatArn, parseArn } from '../../../../core/resources/arn.ts';
import { parseScheduleExpression, ScheduleExpressionError } from '../../../../core/schedule-expression.ts';
import type { Ctx } from '../state.ts';
import type { Resource, RuleData, TargetData } from '../store.ts';
import { EventPatternError, matchesPattern, parseEventPattern, type EventPattern } from '../event-pattern.ts';
import { checkJsonPath } from '../input.ts';
import { decodeToken, limitExceeded, NAME_RE, notFound, page, resolveBus, validation } from './common.ts';

const MAX_TARGETS = 5;

export function ruleArn(account: string, region: string, bus: string, name: string): string {
  return bus === 'default' ? formatArn({ service: 'events', region, account, resource: `rule/${name}` }) : formatArn({ service: 'events', region, account, resource: `rule/${bus}/${name}` });
}

export function checkPattern(text: string): EventPattern {
  try {
    return parseEventPattern(text);
  } catch (err) {
    if (err instanceof EventPatternError) throw new ServiceError('InvalidEventPatternException', err.message, 400);
    throw err;
  }
}

async function requireRule(ctx: Ctx, name: string, busName: string | undefined): Promise<Resource<RuleData>> {
  const bus = await resolveBus(ctx, busName);
  const rule = await ctx.state.store.get<RuleData>('rule', bus.account, bus.region, `${bus.name}/${name}`);
  if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
  return rule;
}

export async function putRule(input: PutRuleRequest, ctx: Ctx): Promise<PutRuleResponse> {
  if (!NAME_RE.test(input.Name)) throw validation(`1 validation error detected: Value '${input.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
  if (input.EventPattern === undefined && input.ScheduleExpression === undefined) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  const bus = await resolveBus(ctx, input.EventBusName);
  if (input.EventPattern !== undefined) checkPattern(input.EventPattern);
  if (input.ScheduleExpression !== undefined) {
    if (bus.name !== 'default') throw validation('ScheduleExpression is supported only on the default event bus.');
    try {
      parseScheduleExpression(input.ScheduleExpression);
    } catch (err) {
      if (err instanceof ScheduleExpressionError) throw validation('Parameter ScheduleExpression is not valid.');
      throw err;
    }
  }
  const state = input.State ?? 'ENABLED';
  if (!['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'].includes(state)) throw validation(`1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`);
  if (input.Description !== undefined && input.Description.length > 512) throw validation('Description is too long.');
  const { store, engine } = ctx.state;
  const name = `${bus.name}/${input.Name}`;
  // The rule it replaces (tags kept, schedule base kept) is read and the new one written in one unit;
  // its schedule is armed once the unit has resolved, in write order.
  const { rule, ticket } = await store.atomically(async () => {
    const existing = await store.get<RuleData>('rule', bus.account, bus.region, name);
    if (existing?.data.ManagedBy) throw new ServiceError('ManagedRuleException', `Rule ${input.Name} is managed by ${existing.data.ManagedBy}.`, 400);
    const now = ctx.clock.now();
    const arn = ruleArn(bus.account, bus.region, bus.name, input.Name);
    const data: RuleData = { Name: input.Name, EventBusName: bus.name, State: state, CreatedBy: ctx.account };
    if (input.EventPattern !== undefined) data.EventPattern = input.EventPattern;
    if (input.ScheduleExpression !== undefined) {
      data.ScheduleExpression = input.ScheduleExpression;
      data.ScheduleBase = existing?.data.ScheduleExpression === input.ScheduleExpression ? existing.data.ScheduleBase : now;
    }
    if (input.Description !== undefined) data.Description = input.Description;
    if (input.RoleArn !== undefined) data.RoleArn = input.RoleArn;
    const tags = { ...(existing?.tags ?? {}), ...Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])) };
    const rule: Resource<RuleData> = { kind: 'rule', account: bus.account, region: bus.region, name, arn, data, tags, created: existing?.created ?? now, modified: now };
    await store.put(rule);
    return { rule, ticket: engine.ticket() };
  });
  engine.armSchedule(rule, ticket);
  return { RuleArn: rule.arn };
}

export async function deleteRule(input: DeleteRuleRequest, ctx: Ctx): Promise<void> {
  const bus = await resolveBus(ctx, input.EventBusName);
  const { store, engine } = ctx.state;
  // "Has it targets?" and the delete are one unit: a target put meanwhile is not orphaned.
  const deleted = await store.atomically(async () => {
    const rule = await store.get<RuleData>('rule', bus.account, bus.region, `${bus.name}/${input.Name}`);
    if (!rule) return undefined;
    if (rule.data.ManagedBy && !input.Force) throw new ServiceError('ManagedRuleException', `Rule ${input.Name} is managed by ${rule.data.ManagedBy}.`, 400);
    if ((await store.targets(rule.arn)).length) throw validation("Rule can't be deleted since it has targets.");
    await store.delete('rule', bus.account, bus.region, rule.name);
    return { arn: rule.arn, ticket: engine.ticket() };
  });
  if (deleted) engine.disarmSchedule(deleted.arn, deleted.ticket);
}

export async function describeRule(input: DescribeRuleRequest, ctx: Ctx): Promise<DescribeRuleResponse> {
  const rule = await requireRule(ctx, input.Name, input.EventBusName);
  const d = rule.data;
  return {
    Name: d.Name, Arn: rule.arn, EventPattern: d.EventPattern, ScheduleExpression: d.ScheduleExpression, State: d.State,
    Description: d.Description, RoleArn: d.RoleArn, ManagedBy: d.ManagedBy, EventBusName: d.EventBusName, CreatedBy: d.CreatedBy,
  };
}

async function setState(ctx: Ctx, name: string, busName: string | undefined, state: string): Promise<void> {
  const { store, engine } = ctx.state;
  const { updated, ticket } = await store.atomically(async () => {
    const rule = await requireRule(ctx, name, busName);
    const updated = { ...rule, data: { ...rule.data, State: state }, modified: ctx.clock.now() };
    await store.put(updated);
    return { updated, ticket: engine.ticket() };
  });
  engine.armSchedule(updated, ticket);
}

export async function enableRule(input: EnableRuleRequest, ctx: Ctx): Promise<void> {
  await setState(ctx, input.Name, input.EventBusName, 'ENABLED');
}

export async function disableRule(input: DisableRuleRequest, ctx: Ctx): Promise<void> {
  await setState(ctx, input.Name, input.EventBusName, 'DISABLED');
}

function listedRule(r: Resource<RuleData>) {
  const d = r.data;
  return { Name: d.Name, Arn: r.arn, EventPattern: d.EventPattern, State: d.State, Description: d.Description, ScheduleExpression: d.ScheduleExpression, RoleArn: d.RoleArn, ManagedBy: d.ManagedBy, EventBusName: d.EventBusName };
}

export async function listRules(input: ListRulesRequest, ctx: Ctx): Promise<ListRulesResponse> {
  const bus = await resolveBus(ctx, input.EventBusName);
  const rules = await ctx.state.store.list<RuleData>('rule', bus.account, bus.region, `${bus.name}/${input.NamePrefix ?? ''}`, await decodeToken(ctx, input.NextToken));
  const p = await page(ctx, rules, input.Limit, (r) => r.name);
  return { Rules: p.items.map(listedRule), NextToken: p.next };
}

export async function listRuleNamesByTarget(input: ListRuleNamesByTargetRequest, ctx: Ctx): Promise<ListRuleNamesByTargetResponse> {
  const bus = await resolveBus(ctx, input.EventBusName);
  const after = await decodeToken(ctx, input.NextToken);
  const names: string[] = [];
  const arns = await ctx.state.store.rulesByTarget(input.TargetArn);
  for (const rule of await Promise.all(arns.map((arn) => ctx.state.store.byArn<RuleData>(arn)))) {
    if (rule && rule.account === bus.account && rule.region === bus.region && rule.data.EventBusName === bus.name && rule.data.Name > after) names.push(rule.data.Name);
  }
  names.sort();
  const p = await page(ctx, names, input.Limit, (n) => n);
  return { RuleNames: p.items, NextToken: p.next };
}

function checkTarget(t: Target): string | undefined {
  if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(t.Id)) return `Parameter ${t.Id} is not valid. Reason: Id must match [\\.\\-_A-Za-z0-9]+ and be at most 64 characters.`;
  const arn = parseArn(t.Arn);
  if (!arn) return `Parameter ${t.Arn} is not valid. Reason: Provided Arn is not in correct format.`;
  if ([t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length > 1) return 'Only one of Input, InputPath, or InputTransformer must be provided.';
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      return 'Input is not valid JSON text.';
    }
  }
  if (t.InputPath !== undefined && !checkJsonPath(t.InputPath)) return `Parameter ${t.InputPath} is not valid. Reason: InputPath is not a valid JSON path.`;
  if (t.InputTransformer) {
    const paths = t.InputTransformer.InputPathsMap ?? {};
    if (Object.keys(paths).length > 100) return 'InputPathsMap can have at most 100 entries.';
    for (const [k, v] of Object.entries(paths)) {
      if (k.startsWith('aws.')) return `Parameter ${k} is reserved.`;
      if (!checkJsonPath(v)) return `Parameter ${v} is not valid. Reason: InputPath is not a valid JSON path.`;
    }
    if (!t.InputTransformer.InputTemplate) return 'InputTemplate must not be empty.';
  }
  if (arn.service === 'sqs' && arn.resource.endsWith('.fifo') && !t.SqsParameters?.MessageGroupId) return 'Parameter(s) SqsParameters must be specified for FIFO queues.';
  const r = t.RetryPolicy;
  if (r?.MaximumRetryAttempts !== undefined && (r.MaximumRetryAttempts < 0 || r.MaximumRetryAttempts > 185)) return 'MaximumRetryAttempts must be between 0 and 185.';
  if (r?.MaximumEventAgeInSeconds !== undefined && (r.MaximumEventAgeInSeconds < 60 || r.MaximumEventAgeInSeconds > 86400)) return 'MaximumEventAgeInSeconds must be between 60 and 86400.';
  if (t.DeadLetterConfig?.Arn !== undefined && parseArn(t.DeadLetterConfig.Arn)?.service !== 'sqs') return 'The dead-letter queue must be an SQS queue ARN.';
  return undefined;
}

export async function putTargets(input: PutTargetsRequest, ctx: Ctx): Promise<PutTargetsResponse> {
  if (!input.Targets?.length || input.Targets.length > 10) throw validation(`1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10`);
  const { store } = ctx.state;
  const failed: PutTargetsResponse['FailedEntries'] = [];
  // The quota check and the writes are one unit: concurrent PutTargets cannot together pass the limit.
  await store.atomically(async () => {
    const rule = await requireRule(ctx, input.Rule, input.EventBusName);
    for (const t of input.Targets) {
      const problem = checkTarget(t);
      // Format problems fail the whole call, as on AWS.
      if (problem) throw validation(problem);
    }
    const existing = new Set((await store.targets(rule.arn)).map((t) => t.Id));
    const adding = new Set(input.Targets.map((t) => t.Id).filter((id) => !existing.has(id)));
    if (existing.size + adding.size > MAX_TARGETS) throw limitExceeded('The requested resource exceeds the maximum number allowed.');
    for (const t of input.Targets) await store.putTarget(rule.arn, JSON.parse(JSON.stringify(t)) as TargetData);
  });
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

export async function removeTargets(input: RemoveTargetsRequest, ctx: Ctx): Promise<RemoveTargetsResponse> {
  const { store } = ctx.state;
  return store.atomically(async () => {
    const rule = await requireRule(ctx, input.Rule, input.EventBusName);
    const existing = new Set((await store.targets(rule.arn)).map((t) => t.Id));
    const failed: RemoveTargetsResponse['FailedEntries'] = [];
    for (const id of input.Ids) {
      if (!existing.has(id)) {
        failed.push({ TargetId: id, ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Target ${id} does not exist on rule ${input.Rule}.` });
        continue;
      }
      await store.removeTarget(rule.arn, id);
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  });
}

export async function listTargetsByRule(input: ListTargetsByRuleRequest, ctx: Ctx): Promise<ListTargetsByRuleResponse> {
  const rule = await requireRule(ctx, input.Rule, input.EventBusName);
  const after = await decodeToken(ctx, input.NextToken);
  const targets = (await ctx.state.store.targets(rule.arn)).filter((t) => t.Id > after);
  const p = await page(ctx, targets, input.Limit, (t) => t.Id);
  return { Targets: p.items as unknown as Target[], NextToken: p.next };
}

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

export function testEventPattern(input: TestEventPatternRequest, ctx: Ctx): TestEventPatternResponse {
  void ctx;
  const pattern = checkPattern(input.EventPattern);
  let event: unknown;
  try {
    event = JSON.parse(input.Event);
  } catch {
    throw validation('Parameter Event is not valid.');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw validation('Parameter Event is not valid.');
  for (const f of REQUIRED_EVENT_FIELDS) {
    if (!(f in event)) throw validation(`Parameter Event is not valid. Reason: Provided Event is missing required field ${f}.`);
  }
  return { Result: matchesPattern(pattern, event as Record<string, unknown>) };
}
