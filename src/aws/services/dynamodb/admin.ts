// Out-of-band routes (/_fogbank/dynamodb/...): every table of every account, paged item browsing,
// the status-delay setting, and "expire TTL now".
import type { AdminRoute } from '../../../core/service.ts';
import type { DynamoStore } from './store.ts';
import { describeTable } from './engine/tables.ts';
import { ttlSweeper } from './engine/ttl.ts';
import { itemToWire, decodeItem, type Item } from './values/attribute.ts';
import { rowCursor, scanCursor } from './engine/read.ts';
import { ServiceError } from '../../../core/errors.ts';

async function table(store: DynamoStore, p: Record<string, string>) {
  const spec = await store.table(p.account, p.region, decodeURIComponent(p.name));
  if (!spec) throw new ServiceError('NotFound', `No table ${p.name} in ${p.account}/${p.region}`, 404);
  return spec;
}

function cursor(text: string | null): { seg: number; hk: Buffer; rk: Buffer } | undefined {
  if (!text) return undefined;
  try {
    const [seg, hk, rk] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [number, string, string];
    return { seg, hk: Buffer.from(hk, 'base64'), rk: Buffer.from(rk, 'base64') };
  } catch {
    throw new ServiceError('InvalidParameter', 'cursor is not one this API returned', 400);
  }
}

const SCOPE = '(?<account>\\d{12})\\/(?<region>[a-z0-9-]+)';

export const adminRoutes: AdminRoute<DynamoStore>[] = [
  {
    method: 'GET',
    path: /^\/_fogbank\/dynamodb\/tables$/,
    async handle(req, store) {
      const after = Number(req.query.get('after') ?? 0);
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100), 1), 1000);
      const rows = await store.allTables(after, limit + 1);
      const page = rows.slice(0, limit);
      const tables = [];
      for (const r of page) {
        tables.push({ account: r.account, region: r.region, name: r.name, itemCount: r.item_count, sizeBytes: r.size_bytes, status: (await store.tableById(r.id))?.status });
      }
      return {
        tables,
        next: rows.length > limit ? String(page[page.length - 1].id) : undefined,
      };
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^\\/_fogbank\\/dynamodb\\/tables\\/${SCOPE}\\/(?<name>[^/]+)$`),
    async handle(req, store) {
      return await describeTable(store, await table(store, req.params));
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^\\/_fogbank\\/dynamodb\\/tables\\/${SCOPE}\\/(?<name>[^/]+)\\/items$`),
    async handle(req, store) {
      const spec = await table(store, req.params);
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 50), 1), 1000);
      const items: unknown[] = [];
      let last: Item | undefined;
      let more = false;
      const at = scanCursor(spec);
      pages: for await (const rows of store.scan(spec.id, 0, 2 ** 32, cursor(req.query.get('cursor')), rowCursor(at), limit + 1)) {
        for (const row of rows) {
          if (items.length === limit) {
            more = true;
            break pages;
          }
          last = decodeItem(row.item);
          items.push(itemToWire(last));
        }
      }
      const c = more && last ? at(last) : undefined;
      const next = c ? Buffer.from(JSON.stringify([c.seg, c.hk.toString('base64'), c.rk.toString('base64')])).toString('base64url') : undefined;
      return { items, count: items.length, cursor: next };
    },
  },
  {
    method: 'POST',
    path: /^\/_fogbank\/dynamodb\/ttl\/expire$/,
    async handle(req, store, env) {
      const at = req.body.now === undefined ? env.clock.now() : Number(req.body.now);
      if (!Number.isFinite(at)) throw new ServiceError('InvalidParameter', 'now must be epoch milliseconds', 400);
      return { deleted: await ttlSweeper(store).sweep(at) };
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/dynamodb\/settings$/,
    handle(_req, store) {
      return store.settings;
    },
  },
  {
    method: 'POST',
    path: /^\/_fogbank\/dynamodb\/settings$/,
    handle(req, store) {
      const d = req.body.tableStatusDelayMs;
      if (d !== undefined) {
        if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) throw new ServiceError('InvalidParameter', 'tableStatusDelayMs must be a non-negative number of milliseconds', 400);
        store.settings.tableStatusDelayMs = d;
      }
      return store.settings;
    },
  },
];
