// `fogbank snapshot save|restore|list|export|import|delete`: a client of a running Fogbank's admin API
// (/_fogbank/snapshots), at --endpoint or FOGBANK_ENDPOINT. Beyond loopback it logs in with
// FOGBANK_ADMIN_USER / FOGBANK_ADMIN_PASSWORD.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

export const SNAPSHOT_HELP = `Usage: fogbank snapshot <command> [--endpoint <url>]
  save <name>             save the whole state of the running Fogbank
  list                    list saved snapshots
  restore <name>          put a saved state back (requests meanwhile wait)
  delete <name>           delete a snapshot
  export <name> [file]    write it as one file (default <name>.tar.gz; .tar = uncompressed; - = stdout)
  import <file> [--name <name>]   load an exported file as a snapshot (then restore it)
Options: --endpoint <url> [FOGBANK_ENDPOINT] default http://localhost:4566
`;

export class SnapshotCliError extends Error {}

export async function snapshotCommand(argv: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { endpoint: { type: 'string' }, name: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new SnapshotCliError(`${(err as Error).message} (see fogbank snapshot help)`);
  }
  const [command, arg, second] = parsed.positionals;
  const endpoint = (parsed.values.endpoint ?? env.FOGBANK_ENDPOINT ?? 'http://localhost:4566').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(endpoint)) throw new SnapshotCliError(`--endpoint must be a URL such as http://localhost:4566, not '${endpoint}'`);
  const api = new AdminClient(endpoint, env);
  const need = (what: string) => {
    if (!arg) throw new SnapshotCliError(`fogbank snapshot ${command} needs ${what}`);
    return arg;
  };
  const path = (name: string) => `/_fogbank/snapshots/${encodeURIComponent(name)}`;
  switch (command) {
    case 'save': {
      const m = await api.json('POST', '/_fogbank/snapshots', { name: need('a name') });
      out.write(`saved ${m.name}: ${describe(m)}\n`);
      return;
    }
    case 'list': {
      const list = (await api.json('GET', '/_fogbank/snapshots')) as any[];
      if (!list.length) out.write('no snapshots\n');
      for (const m of list) out.write(`${m.name}\t${m.createdAt}\t${describe(m)}\n`);
      return;
    }
    case 'restore': {
      const m = await api.json('POST', `${path(need('a name'))}/restore`);
      out.write(`restored ${m.name} (saved ${m.createdAt})\n`);
      return;
    }
    case 'delete':
      await api.json('DELETE', path(need('a name')));
      out.write(`deleted ${arg}\n`);
      return;
    case 'export': {
      const name = need('a name');
      const file = second ?? `${name}.tar.gz`;
      const gzip = !/\.tar$/i.test(file);
      const res = await api.request('GET', `${path(name)}/export?compress=${gzip ? 'gzip' : 'none'}`);
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
      if (file === '-') await pipeline(body, out);
      else {
        await pipeline(body, createWriteStream(file));
        out.write(`exported ${name} to ${file} (${statSync(file).size} bytes)\n`);
      }
      return;
    }
    case 'import': {
      const file = need('a file');
      const query = parsed.values.name ? `?name=${encodeURIComponent(parsed.values.name)}` : '';
      const res = await api.request('POST', `/_fogbank/snapshots/import${query}`, {
        body: Readable.toWeb(createReadStream(file)) as unknown as RequestInit['body'],
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
      });
      const m = (await res.json()) as any;
      out.write(`imported ${m.name}: ${describe(m)} (fogbank snapshot restore ${m.name} to use it)\n`);
      return;
    }
    case undefined:
    case 'help':
      out.write(SNAPSHOT_HELP);
      return;
    default:
      throw new SnapshotCliError(`unknown snapshot command '${command}' (save, list, restore, delete, export, import)`);
  }
}

function describe(m: any): string {
  const s = m.sizes ?? {};
  return `${s.blobCount ?? 0} bodies, ${s.total ?? 0} bytes`;
}

class AdminClient {
  readonly #endpoint: string;
  readonly #env: NodeJS.ProcessEnv;
  #cookie: string | undefined;

  constructor(endpoint: string, env: NodeJS.ProcessEnv) {
    this.#endpoint = endpoint;
    this.#env = env;
  }

  async json(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.request(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return res.json();
  }

  async request(method: string, path: string, init: { body?: RequestInit['body']; headers?: Record<string, string> } = {}): Promise<Response> {
    if (!this.#cookie && this.#env.FOGBANK_ADMIN_PASSWORD) await this.#login();
    let res: Response;
    try {
      res = await fetch(this.#endpoint + path, {
        method,
        body: init.body,
        headers: { ...init.headers, ...(this.#cookie ? { cookie: this.#cookie } : {}) },
        ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      throw new SnapshotCliError(`cannot reach Fogbank at ${this.#endpoint} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}); start it, or point --endpoint at it`);
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        const j = JSON.parse(text);
        message = `${j.error}: ${j.message}`;
      } catch {
        // not JSON
      }
      if (res.status === 401) message += ' (set FOGBANK_ADMIN_PASSWORD, and FOGBANK_ADMIN_USER if not admin)';
      throw new SnapshotCliError(message || `HTTP ${res.status}`);
    }
    return res;
  }

  async #login(): Promise<void> {
    const res = await fetch(`${this.#endpoint}/_fogbank/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.#env.FOGBANK_ADMIN_USER || 'admin', password: this.#env.FOGBANK_ADMIN_PASSWORD }),
    }).catch((err) => {
      throw new SnapshotCliError(`cannot reach Fogbank at ${this.#endpoint} (${(err as Error).message})`);
    });
    if (!res.ok) throw new SnapshotCliError(`admin login failed (HTTP ${res.status}): check FOGBANK_ADMIN_USER and FOGBANK_ADMIN_PASSWORD`);
    this.#cookie = res.headers.get('set-cookie')?.split(';')[0];
  }
}
