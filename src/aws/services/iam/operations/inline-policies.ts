// Inline policies of users, groups and roles: kept as sent, returned URL-encoded, all of one
// identity's together within IAM's size quota.
import { noSuchEntity } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import { byName, page, type PageInput } from '../paging.ts';
import { encodeDocument } from '../shapes.ts';
import { checkInlinePolicy, checkInlineTotal } from '../policy-documents.ts';
import { writableIdentity } from './attachments.ts';
import type { Ctx } from '../store.ts';

type Identity = 'user' | 'group' | 'role';
const NAME_MEMBER = { user: 'UserName', group: 'GroupName', role: 'RoleName' } as const;

function inlinePolicies(kind: Identity) {
  const member = NAME_MEMBER[kind];
  const nameOf = (input: any): string => input[member];
  return {
    put: async (input: { PolicyName: string; PolicyDocument: string }, ctx: Ctx): Promise<void> => {
      checkInlinePolicy(input.PolicyDocument);
      await ctx.state.unit(async () => {
        const entity = await writableIdentity(ctx, kind, nameOf(input));
        const others = (await ctx.state.inlines(entity.id)).filter((p) => p.name !== input.PolicyName).map((p) => p.document);
        checkInlineTotal(kind, entity.name, [...others, input.PolicyDocument]);
        await ctx.state.putInline(entity.id, input.PolicyName, input.PolicyDocument);
      });
    },
    get: async (input: { PolicyName: string }, ctx: Ctx) => {
      const entity = await requireEntity(ctx, kind, nameOf(input));
      const policy = await ctx.state.inline(entity.id, input.PolicyName);
      if (!policy) throw noSuchEntity(`The ${kind} policy with name ${input.PolicyName} cannot be found.`);
      return { [member]: entity.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) } as any;
    },
    list: async (input: PageInput, ctx: Ctx) => {
      const entity = await requireEntity(ctx, kind, nameOf(input));
      const p = await page(ctx, await ctx.state.inlines(entity.id), (r) => byName(r.name) + '\u0000' + r.name, input, entity.id);
      return { PolicyNames: p.items.map((r) => r.name), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
    delete: async (input: { PolicyName: string }, ctx: Ctx): Promise<void> => {
      await ctx.state.unit(async () => {
        const entity = await writableIdentity(ctx, kind, nameOf(input));
        if (!(await ctx.state.deleteInline(entity.id, input.PolicyName))) {
          throw noSuchEntity(`The ${kind} policy with name ${input.PolicyName} cannot be found.`);
        }
      });
    },
  };
}

const users = inlinePolicies('user');
const groups = inlinePolicies('group');
const roles = inlinePolicies('role');
export const putUserPolicy = users.put;
export const getUserPolicy = users.get;
export const listUserPolicies = users.list;
export const deleteUserPolicy = users.delete;
export const putGroupPolicy = groups.put;
export const getGroupPolicy = groups.get;
export const listGroupPolicies = groups.list;
export const deleteGroupPolicy = groups.delete;
export const putRolePolicy = roles.put;
export const getRolePolicy = roles.get;
export const listRolePolicies = roles.list;
export const deleteRolePolicy = roles.delete;
