// Managed policies attached to users, groups and roles (ten per identity by default), listed per
// identity and per policy, and permissions boundaries on users and roles.
import type { ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse } from '../generated/types.ts';
import { limitExceeded, noSuchEntity } from '../errors.ts';
import { requireAttachable, requireEntity } from '../lookup.ts';
import { parsePolicyArn } from '../names.ts';
import { page, type PageInput } from '../paging.ts';
import { modifiableRole } from './roles.ts';
import { awsManagedCatalogue, inAwsAccount } from '../aws-managed.ts';
import type { Ctx, EntityRow } from '../store.ts';

type Identity = 'user' | 'group' | 'role';

/** IAM's default quota of managed policies attached to one identity. */
const ATTACHED_PER_IDENTITY = 10;
const QUOTA: Record<Identity, string> = { user: 'PoliciesPerUser', group: 'PoliciesPerGroup', role: 'PoliciesPerRole' };

/** Reads the AWS managed policy catalogue, off the event loop, before a unit looks an AWS policy up. */
async function catalogueFor(arn: string): Promise<void> {
  if (inAwsAccount(arn)) await awsManagedCatalogue();
}

/** The identity a write names; service-linked roles are only their service's to change. */
export function writableIdentity(ctx: Ctx, kind: Identity, name: string): Promise<EntityRow> {
  return kind === 'role' ? modifiableRole(ctx, name) : requireEntity(ctx, kind, name);
}

function attaching(kind: Identity, nameOf: (input: any) => string) {
  return {
    attach: async (input: { PolicyArn: string }, ctx: Ctx): Promise<void> => {
      await catalogueFor(input.PolicyArn);
      await ctx.state.unit(async () => {
        const entity = await writableIdentity(ctx, kind, nameOf(input));
        await requireAttachable(ctx, input.PolicyArn);
        const attached = await ctx.state.attached(entity.id);
        if (attached.includes(input.PolicyArn)) return;
        if (attached.length >= ATTACHED_PER_IDENTITY) throw limitExceeded(`Cannot exceed quota for ${QUOTA[kind]}: ${ATTACHED_PER_IDENTITY}`);
        await ctx.state.attach(entity.id, input.PolicyArn, ctx.clock.now());
      });
    },
    detach: async (input: { PolicyArn: string }, ctx: Ctx): Promise<void> => {
      await ctx.state.unit(async () => {
        const entity = await writableIdentity(ctx, kind, nameOf(input));
        parsePolicyArn(input.PolicyArn);
        if (!(await ctx.state.detach(entity.id, input.PolicyArn))) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
      });
    },
    list: async (input: PageInput & { PathPrefix?: string }, ctx: Ctx) => {
      const entity = await requireEntity(ctx, kind, nameOf(input));
      const prefix = input.PathPrefix ?? '/';
      const policies = (await ctx.state.attached(entity.id)).map((arn) => ({ arn, ...parsePolicyArn(arn) })).filter((p) => p.path.startsWith(prefix));
      const p = await page(ctx, policies, (e) => e.arn, input, entity.id);
      return { AttachedPolicies: p.items.map((e) => ({ PolicyName: e.name, PolicyArn: e.arn })), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
  };
}

const users = attaching('user', (i) => i.UserName);
const groups = attaching('group', (i) => i.GroupName);
const roles = attaching('role', (i) => i.RoleName);

export const attachUserPolicy = users.attach;
export const detachUserPolicy = users.detach;
export const listAttachedUserPolicies = users.list;
export const attachGroupPolicy = groups.attach;
export const detachGroupPolicy = groups.detach;
export const listAttachedGroupPolicies = groups.list;
export const attachRolePolicy = roles.attach;
export const detachRolePolicy = roles.detach;
export const listAttachedRolePolicies = roles.list;

export async function listEntitiesForPolicy(input: ListEntitiesForPolicyRequest, ctx: Ctx): Promise<ListEntitiesForPolicyResponse> {
  await catalogueFor(input.PolicyArn);
  await requireAttachable(ctx, input.PolicyArn);
  const usage = input.PolicyUsageFilter;
  const ids = new Set<string>();
  if (usage !== 'PermissionsBoundary') for (const id of await ctx.state.attachedEntities(input.PolicyArn)) ids.add(id);
  const entities = await ctx.state.entitiesByIds([...ids]);
  if (usage !== 'PermissionsPolicy') {
    for (const e of await ctx.state.boundaryEntities(input.PolicyArn)) if (!ids.has(e.id)) entities.push(e);
  }
  const wanted = { User: 'user', Group: 'group', Role: 'role' }[input.EntityFilter ?? ''];
  const prefix = input.PathPrefix ?? '/';
  const listed = entities.filter((e) => e.account === ctx.account && (!wanted || e.kind === wanted) && e.path.startsWith(prefix));
  const p = await page(ctx, listed, (e) => `${e.kind}/${e.name.toLowerCase()}`, input, input.PolicyArn);
  const of = (kind: Identity) => p.items.filter((e) => e.kind === kind);
  return {
    PolicyGroups: of('group').map((e) => ({ GroupName: e.name, GroupId: e.id })),
    PolicyUsers: of('user').map((e) => ({ UserName: e.name, UserId: e.id })),
    PolicyRoles: of('role').map((e) => ({ RoleName: e.name, RoleId: e.id })),
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}

function boundaries(kind: 'user' | 'role', nameOf: (input: any) => string) {
  return {
    put: async (input: { PermissionsBoundary: string }, ctx: Ctx): Promise<void> => {
      await catalogueFor(input.PermissionsBoundary);
      await ctx.state.unit(async () => {
        const entity = await writableIdentity(ctx, kind, nameOf(input));
        await requireAttachable(ctx, input.PermissionsBoundary);
        await ctx.state.updateEntity(entity.id, { boundary: input.PermissionsBoundary });
      });
    },
    delete: async (input: object, ctx: Ctx): Promise<void> => {
      await ctx.state.unit(async () => {
        const entity = await writableIdentity(ctx, kind, nameOf(input));
        await ctx.state.updateEntity(entity.id, { boundary: null });
      });
    },
  };
}

const userBoundary = boundaries('user', (i) => i.UserName);
const roleBoundary = boundaries('role', (i) => i.RoleName);
export const putUserPermissionsBoundary = userBoundary.put;
export const deleteUserPermissionsBoundary = userBoundary.delete;
export const putRolePermissionsBoundary = roleBoundary.put;
export const deleteRolePermissionsBoundary = roleBoundary.delete;
