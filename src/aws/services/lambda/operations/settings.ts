// Per-function settings Lambda stores: runtime management (update mode), recursive loop detection.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { functionArn, invalidParameter, validation } from '../names.ts';
import { runtimeVersionArn } from '../runtimes.ts';
import { parseConfig } from '../config.ts';
import { qualified, unqualified } from './common.ts';

interface Settings {
  UpdateRuntimeOn?: string;
  RuntimeVersionArn?: string;
  RecursiveLoop?: string;
}

function settingsOf(json: string): Settings {
  return JSON.parse(json) as Settings;
}

export async function getRuntimeManagementConfig(input: T.GetRuntimeManagementConfigRequest, ctx: Ctx): Promise<T.GetRuntimeManagementConfigResponse> {
  const { fn, version, ref } = await qualified(ctx, input.FunctionName, input.Qualifier);
  const s = settingsOf(fn.settings);
  const mode = s.UpdateRuntimeOn ?? 'Auto';
  const runtime = parseConfig(version).Runtime;
  return {
    UpdateRuntimeOn: mode,
    RuntimeVersionArn: mode === 'Manual' ? s.RuntimeVersionArn : runtime ? runtimeVersionArn(fn.region, runtime) : undefined,
    FunctionArn: functionArn(fn.account, fn.region, fn.name, ref.qualifier),
  };
}

// The settings document is read and written back in one unit: concurrent puts of the two settings lose neither.

export async function putRuntimeManagementConfig(input: T.PutRuntimeManagementConfigRequest, ctx: Ctx): Promise<T.PutRuntimeManagementConfigResponse> {
  return await ctx.state.tables.atomically(async () => {
    const { fn, ref } = await qualified(ctx, input.FunctionName, input.Qualifier);
    if (!['Auto', 'FunctionUpdate', 'Manual'].includes(input.UpdateRuntimeOn)) {
      throw validation('updateRuntimeOn', input.UpdateRuntimeOn, 'Member must satisfy enum value set: [Auto, FunctionUpdate, Manual]');
    }
    if (input.UpdateRuntimeOn === 'Manual' && !input.RuntimeVersionArn) throw invalidParameter('RuntimeVersionArn is required when UpdateRuntimeOn is Manual.');
    if (input.UpdateRuntimeOn !== 'Manual' && input.RuntimeVersionArn) throw invalidParameter('RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual.');
    const s = { ...settingsOf(fn.settings), UpdateRuntimeOn: input.UpdateRuntimeOn, RuntimeVersionArn: input.RuntimeVersionArn };
    await ctx.state.tables.setFunction(fn.id, 'settings', JSON.stringify(s));
    return { UpdateRuntimeOn: input.UpdateRuntimeOn, FunctionArn: functionArn(fn.account, fn.region, fn.name, ref.qualifier), RuntimeVersionArn: input.RuntimeVersionArn };
  });
}

export async function getFunctionRecursionConfig(input: T.GetFunctionRecursionConfigRequest, ctx: Ctx): Promise<T.GetFunctionRecursionConfigResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  return { RecursiveLoop: settingsOf(fn.settings).RecursiveLoop ?? 'Terminate' };
}

export async function putFunctionRecursionConfig(input: T.PutFunctionRecursionConfigRequest, ctx: Ctx): Promise<T.PutFunctionRecursionConfigResponse> {
  return await ctx.state.tables.atomically(async () => {
    const { fn } = await unqualified(ctx, input.FunctionName);
    if (input.RecursiveLoop !== 'Allow' && input.RecursiveLoop !== 'Terminate') {
      throw validation('recursiveLoop', input.RecursiveLoop, 'Member must satisfy enum value set: [Allow, Terminate]');
    }
    await ctx.state.tables.setFunction(fn.id, 'settings', JSON.stringify({ ...settingsOf(fn.settings), RecursiveLoop: input.RecursiveLoop }));
    return { RecursiveLoop: input.RecursiveLoop };
  });
}
