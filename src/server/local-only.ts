// Loopback listeners that only local tools talk to (Lambda's per-worker Runtime API) never see a
// browser: runtime clients send no Origin and no Sec-Fetch-* headers and address 127.0.0.1. A web
// page that guesses the port can still send "simple" requests to it (a text/plain POST forging an
// invocation's result, a no-cors GET taking the next event), and a rebinding page can do so under its
// own host name; both give themselves away in those headers.
import { hostnameOf } from './host-check.ts';

type Headers = Record<string, string | string[] | undefined>;

/** Whether a request to a local-only listener came from a browser page or under a foreign host name. */
export function isForeignToLocalListener(headers: Headers): boolean {
  if (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined || headers['sec-fetch-mode'] !== undefined) return true;
  const host = headers.host;
  if (typeof host !== 'string') return false; // HTTP/1.0 clients may send none
  const name = hostnameOf(host);
  return !(name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name));
}
