// SetSecurityTokenServicePreferences: which session tokens STS's global endpoint issues (v1Token, valid
// only in default regions, or v2Token, valid everywhere). Kept per account; GetAccountSummary shows it
// as GlobalEndpointTokenVersion 1 or 2.
import type { SetSecurityTokenServicePreferencesRequest } from '../generated/types.ts';
import type { Ctx } from '../store.ts';

export async function setSecurityTokenServicePreferences(input: SetSecurityTokenServicePreferencesRequest, ctx: Ctx): Promise<void> {
  await ctx.state.putSetting(ctx.account, 'sts-token-version', input.GlobalEndpointTokenVersion === 'v2Token' ? '2' : '1');
}

export async function globalEndpointTokenVersion(ctx: Ctx): Promise<number> {
  return Number((await ctx.state.setting(ctx.account, 'sts-token-version')) ?? '1');
}
