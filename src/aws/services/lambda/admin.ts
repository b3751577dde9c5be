// Lambda's admin routes: functions, their recent invocations (request, response, duration, logs),
// warm workers, and evicting them (the next invocation then starts cold).
import type { AdminRoute } from '../../../core/service.ts';
import type { LambdaState } from './state.ts';
import { parseConfig } from './config.ts';
import { functionArn } from './names.ts';

function scoped(query: URLSearchParams, row: { account: string; region: string }): boolean {
  const account = query.get('account');
  const region = query.get('region');
  return (!account || row.account === account) && (!region || row.region === region);
}

export const lambdaAdmin: AdminRoute<LambdaState>[] = [
  {
    method: 'GET',
    path: /^\/_fogbank\/lambda\/functions$/,
    handle: async (req, state) => {
      const workers = state.executor.workers();
      const fns = (await state.tables.allFunctions()).filter((f) => scoped(req.query, f));
      const out = [];
      for (const f of fns) {
        const versions = await state.tables.versions(f.id);
        const latest = versions.find((v) => v.version === '$LATEST');
        const c = latest ? parseConfig(latest) : undefined;
        out.push({
          account: f.account,
          region: f.region,
          name: f.name,
          arn: functionArn(f.account, f.region, f.name),
          runtime: c?.Runtime ?? c?.PackageType,
          handler: c?.Handler,
          state: latest?.state,
          versions: versions.map((v) => v.version),
          reservedConcurrency: f.reserved_concurrency,
          inflight: state.executor.inflight(`${f.account}/${f.region}/${f.name}`),
          warmWorkers: workers.filter((w) => w.account === f.account && w.region === f.region && w.function === f.name).length,
        });
      }
      return out;
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/lambda\/functions\/(?<name>[^/]+)\/invocations$/,
    handle: (req, state) => {
      const name = decodeURIComponent(req.params.name);
      const limit = Number(req.query.get('limit') ?? 50);
      return state.executor.records.all().filter((r) => r.function === name && scoped(req.query, r)).slice(0, limit);
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/lambda\/invocations$/,
    handle: (req, state) => {
      const limit = Number(req.query.get('limit') ?? 100);
      return state.executor.records.all().filter((r) => scoped(req.query, r)).slice(0, limit);
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/lambda\/workers$/,
    handle: (req, state) => state.executor.workers().filter((w) => scoped(req.query, w as { account: string; region: string })),
  },
  {
    method: 'POST',
    path: /^\/_fogbank\/lambda\/evict$/,
    handle: (req, state) => {
      const b = req.body as { function?: string; account?: string; region?: string; version?: string };
      return { evicted: state.executor.evict({ name: b.function, account: b.account, region: b.region, version: b.version }) };
    },
  },
  {
    method: 'POST',
    path: /^\/_fogbank\/lambda\/functions\/(?<name>[^/]+)\/evict$/,
    handle: (req, state) => ({
      evicted: state.executor.evict({ name: decodeURIComponent(req.params.name), account: req.query.get('account') ?? undefined, region: req.query.get('region') ?? undefined }),
    }),
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/lambda\/queue$/,
    handle: async (_req, state) =>
      (await state.tables.asyncEvents()).map((e) => ({
        requestId: e.request_id,
        account: e.account,
        region: e.region,
        function: e.function_name,
        qualifier: e.qualifier,
        attempts: e.attempts,
        enqueuedAt: new Date(e.enqueued_at).toISOString(),
        dueAt: new Date(e.due_at).toISOString(),
        payload: Buffer.from(e.payload).toString('utf8'),
      })),
  },
];
