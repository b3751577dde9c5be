// /_fogbank/snapshots: save, list, restore, delete, export and import the whole state
// (src/core/snapshots/). Names in paths are checked by the snapshot store before any path is built.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Snapshots } from '../core/snapshots/snapshots.ts';
import { ServiceError } from '../core/errors.ts';
import { json, type Req, type Res } from '../server/http-io.ts';

const ROUTE = /^\/_fogbank\/snapshots(?:\/([^/]+))?(?:\/(restore|export))?$/;

/** Answers a /_fogbank/snapshots request; false when the path is none of these routes. */
export async function snapshotRoute(
  snapshots: Snapshots,
  req: Req,
  res: Res,
  method: string,
  path: string,
  query: URLSearchParams,
  readJson: (req: Req) => Promise<Record<string, unknown>>,
): Promise<boolean> {
  const m = ROUTE.exec(path);
  if (!m) return false;
  const name = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
  const action = m[2];
  if (name === undefined) {
    if (method === 'GET') return answer(res, 200, snapshots.list());
    if (method === 'POST') {
      const body = await readJson(req);
      return answer(res, 201, await snapshots.save(body.name as string));
    }
  } else if (name === 'import' && !action && method === 'POST') {
    const replace = query.get('replace') === 'true' || query.get('replace') === '1';
    return answer(res, 201, await snapshots.import(req as AsyncIterable<Buffer>, { name: query.get('name') ?? undefined, replace }));
  } else if (action === 'restore' && method === 'POST') {
    req.resume();
    return answer(res, 200, await snapshots.restore(name));
  } else if (action === 'export' && method === 'GET') {
    const gzip = (query.get('compress') ?? 'gzip') !== 'none';
    const stream = snapshots.export(name, { gzip });
    (res as ServerResponse).writeHead(200, {
      'content-type': gzip ? 'application/gzip' : 'application/x-tar',
      'content-disposition': `attachment; filename="${name}.${gzip ? 'tar.gz' : 'tar'}"`,
    });
    await pipeline(stream, res as ServerResponse);
    return true;
  } else if (!action && method === 'GET') {
    return answer(res, 200, snapshots.get(name));
  } else if (!action && method === 'DELETE') {
    await snapshots.delete(name);
    return answer(res, 200, { deleted: name });
  }
  throw new ServiceError('NotFound', `No admin route ${method} ${path}`, 404);
}

function answer(res: Res, status: number, body: unknown): true {
  json(res, status, body);
  return true;
}
