// Event buses (the default one exists everywhere), their resource policies and PutPermission.
import type {
  CreateEventBusRequest, CreateEventBusResponse, DeleteEventBusRequest, DescribeEventBusRequest, DescribeEventBusResponse,
  ListEventBusesRequest, ListEventBusesResponse, PutPermissionRequest, RemovePermissionRequest, UpdateEventBusRequest, UpdateEventBusResponse,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { alreadyExists, busArn, decodeToken, ensureDefaultBus, page, resolveBus, validation, type BusData } from './common.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { accountRootArn } from '../../../../core/resources/arn.ts';

export async function createEventBus(input: CreateEventBusRequest, ctx: Ctx): Promise<CreateEventBusResponse> {
  if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(input.Name) || input.Name.includes('/') && !input.EventSourceName) {
    throw validation(`Event bus name ${input.Name} is not valid.`);
  }
  if (input.Name === 'default') throw alreadyExists('Event bus default already exists.');
  if (input.Description !== undefined && input.Description.length > 512) throw validation('Description is too long.');
  const { store } = ctx.state;
  const now = ctx.clock.now();
  const arn = busArn(ctx.account, ctx.region, input.Name);
  const data: BusData = { Name: input.Name };
  if (input.Description !== undefined) data.Description = input.Description;
  if (input.KmsKeyIdentifier !== undefined) data.KmsKeyIdentifier = input.KmsKeyIdentifier;
  if (input.DeadLetterConfig) data.DeadLetterConfig = input.DeadLetterConfig;
  if (input.LogConfig) data.LogConfig = input.LogConfig as Record<string, unknown>;
  if (input.EventSourceName) data.EventSourceName = input.EventSourceName;
  // The name check and the write are one unit: of concurrent creates, one wins.
  await store.atomically(async () => {
    if (await store.get('bus', ctx.account, ctx.region, input.Name)) throw alreadyExists(`Event bus ${input.Name} already exists.`);
    await store.put({ kind: 'bus', account: ctx.account, region: ctx.region, name: input.Name, arn, data, tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])), created: now, modified: now });
  });
  return { EventBusArn: arn, Description: data.Description, KmsKeyIdentifier: data.KmsKeyIdentifier, DeadLetterConfig: data.DeadLetterConfig, LogConfig: input.LogConfig };
}

export async function updateEventBus(input: UpdateEventBusRequest, ctx: Ctx): Promise<UpdateEventBusResponse> {
  const { bus, data } = await ctx.state.store.atomically(async () => {
    const bus = await resolveBus(ctx, input.Name);
    const data = { ...bus.data };
    if (input.Description !== undefined) data.Description = input.Description;
    if (input.KmsKeyIdentifier !== undefined) data.KmsKeyIdentifier = input.KmsKeyIdentifier;
    if (input.DeadLetterConfig !== undefined) data.DeadLetterConfig = input.DeadLetterConfig;
    if (input.LogConfig !== undefined) data.LogConfig = input.LogConfig as Record<string, unknown>;
    await ctx.state.store.put({ ...bus, data, modified: ctx.clock.now() });
    return { bus, data };
  });
  return { Arn: bus.arn, Name: bus.name, Description: data.Description, KmsKeyIdentifier: data.KmsKeyIdentifier, DeadLetterConfig: data.DeadLetterConfig, LogConfig: input.LogConfig };
}

export async function deleteEventBus(input: DeleteEventBusRequest, ctx: Ctx): Promise<void> {
  if (input.Name === 'default') throw validation('Cannot delete event bus default.');
  const { store } = ctx.state;
  // "Has it rules?" and the delete are one unit: a rule put meanwhile is not orphaned.
  await store.atomically(async () => {
    const bus = await store.get<BusData>('bus', ctx.account, ctx.region, input.Name);
    if (!bus) return;
    if ((await store.list('rule', ctx.account, ctx.region, `${input.Name}/`, '', 1)).length) {
      throw validation(`Cannot delete event bus ${input.Name} because it has rules.`);
    }
    await store.delete('bus', ctx.account, ctx.region, input.Name);
  });
}

export async function describeEventBus(input: DescribeEventBusRequest, ctx: Ctx): Promise<DescribeEventBusResponse> {
  const bus = await resolveBus(ctx, input.Name);
  return {
    Name: bus.name, Arn: bus.arn, Description: bus.data.Description, KmsKeyIdentifier: bus.data.KmsKeyIdentifier,
    DeadLetterConfig: bus.data.DeadLetterConfig, Policy: bus.data.Policy, LogConfig: bus.data.LogConfig as never,
    CreationTime: new Date(bus.created), LastModifiedTime: new Date(bus.modified),
  };
}

export async function listEventBuses(input: ListEventBusesRequest, ctx: Ctx): Promise<ListEventBusesResponse> {
  await ensureDefaultBus(ctx, ctx.account, ctx.region);
  const buses = await ctx.state.store.list<BusData>('bus', ctx.account, ctx.region, input.NamePrefix ?? '', await decodeToken(ctx, input.NextToken));
  const p = await page(ctx, buses, input.Limit, (b) => b.name);
  return {
    EventBuses: p.items.map((b) => ({ Name: b.name, Arn: b.arn, Description: b.data.Description, Policy: b.data.Policy, CreationTime: new Date(b.created), LastModifiedTime: new Date(b.modified) })),
    NextToken: p.next,
  };
}

interface PolicyDoc {
  Version: string;
  Statement: Array<Record<string, unknown>>;
}

/** The policy is read, changed and written in one unit: concurrent PutPermission calls lose no statement. */
export async function putPermission(input: PutPermissionRequest, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(() => putPermissionNow(input, ctx));
}

async function putPermissionNow(input: PutPermissionRequest, ctx: Ctx): Promise<void> {
  const bus = await resolveBus(ctx, input.EventBusName);
  let policy: PolicyDoc;
  if (input.Policy !== undefined) {
    try {
      policy = JSON.parse(input.Policy) as PolicyDoc;
      if (!policy || !Array.isArray(policy.Statement)) throw new Error();
    } catch {
      throw new ServiceError('MalformedPolicyDocumentException', 'The policy document is not valid JSON.', 400);
    }
  } else {
    if (!input.StatementId || !input.Principal || !input.Action) throw validation('Parameter(s) StatementId, Principal and Action must be specified.');
    if (input.Action !== 'events:PutEvents') throw validation('Provided value in parameter \'action\' is not supported.');
    if (input.Principal !== '*' && !/^\d{12}$/.test(input.Principal)) throw validation('Parameter principal is not valid.');
    policy = bus.data.Policy ? (JSON.parse(bus.data.Policy) as PolicyDoc) : { Version: '2012-10-17', Statement: [] };
    if (policy.Statement.some((s) => s.Sid === input.StatementId)) throw new ServiceError('ResourceAlreadyExistsException', 'Statement with the provided id already exists.', 400);
    const statement: Record<string, unknown> = {
      Sid: input.StatementId,
      Effect: 'Allow',
      Principal: input.Principal === '*' ? '*' : { AWS: accountRootArn(input.Principal) },
      Action: input.Action,
      Resource: bus.arn,
    };
    if (input.Condition) statement.Condition = { [input.Condition.Type]: { [input.Condition.Key]: input.Condition.Value } };
    policy.Statement.push(statement);
  }
  await ctx.state.store.put({ ...bus, data: { ...bus.data, Policy: JSON.stringify(policy) }, modified: ctx.clock.now() });
}

export async function removePermission(input: RemovePermissionRequest, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(() => removePermissionNow(input, ctx));
}

async function removePermissionNow(input: RemovePermissionRequest, ctx: Ctx): Promise<void> {
  const bus = await resolveBus(ctx, input.EventBusName);
  const data = { ...bus.data };
  if (input.RemoveAllPermissions) delete data.Policy;
  else {
    if (!input.StatementId) throw validation('Parameter StatementId must be specified.');
    const policy = data.Policy ? (JSON.parse(data.Policy) as PolicyDoc) : undefined;
    if (!policy || !policy.Statement.some((s) => s.Sid === input.StatementId)) throw new ServiceError('ResourceNotFoundException', 'Statement with the provided id does not exist.', 400);
    policy.Statement = policy.Statement.filter((s) => s.Sid !== input.StatementId);
    if (policy.Statement.length) data.Policy = JSON.stringify(policy);
    else delete data.Policy;
  }
  await ctx.state.store.put({ ...bus, data, modified: ctx.clock.now() });
}
