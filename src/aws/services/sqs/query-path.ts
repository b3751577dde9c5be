// The query API lets a client use the queue URL itself as the endpoint (POST /<account>/<name> with
// Action=SendMessage and no QueueUrl), as older SDKs do. Such a request's QueueUrl is its own URL.
import type { HttpRequest } from '../../../core/http.ts';

const QUEUE_PATH = /^\/\d{12}\/[A-Za-z0-9_.-]{1,80}\/?$/;

export function queueUrlFromPath(http: HttpRequest): void {
  if (!QUEUE_PATH.test(http.path)) return;
  const ct = http.headers['content-type'];
  const form = typeof ct === 'string' && ct.includes('x-www-form-urlencoded');
  const queryGet = http.method === 'GET' && /(^|&)Action=/.test(http.query);
  if (!form && !queryGet) return;
  if (/(^|&)QueueUrl=/.test(http.query)) return;
  const host = typeof http.headers.host === 'string' ? http.headers.host : http.hostname ?? 'localhost';
  // Parameters in the query string are read before the body's; the body's QueueUrl, if any, names
  // this same queue anyway.
  const url = `http://${host}${http.path.replace(/\/$/, '')}`;
  http.query = (http.query ? `${http.query}&` : '') + `QueueUrl=${encodeURIComponent(url)}`;
}
