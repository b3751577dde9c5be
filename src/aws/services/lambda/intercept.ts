// Requests the lambda service answers below the operation level: function URLs (by host name) and
// the download links GetFunction and GetLayerVersion hand out.
import type { HttpRequest, HttpResponse } from '../../../core/http.ts';
import type { Ctx } from './state.ts';
import { serveFunctionUrl } from './engine/function-url.ts';

const URL_HOST = /^([a-z0-9]{32})\.lambda-url\./;
const CODE_PATH = /^\/2015-03-31\/fogbank-code\/([0-9a-f]{32})\.zip$/;

export async function intercept(http: HttpRequest, ctx: Ctx): Promise<HttpResponse | undefined> {
  const host = http.hostname && URL_HOST.exec(http.hostname);
  if (host) return serveFunctionUrl(http, ctx, host[1]);
  if (http.method === 'GET' && http.path.startsWith('/2015-03-31/fogbank-code/')) {
    const m = CODE_PATH.exec(http.path);
    ctx.operation = 'DownloadCode';
    // The link works for packages Lambda holds, never for any other blob.
    if (!m || !(await ctx.state.tables.blobInUse(m[1]))) {
      return { status: 404, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>' };
    }
    const size = await ctx.env.blobs.size(m[1]);
    return { status: 200, headers: { 'content-type': 'application/zip', 'content-length': String(size) }, body: ctx.env.blobs.read(m[1]) };
  }
  return undefined;
}
