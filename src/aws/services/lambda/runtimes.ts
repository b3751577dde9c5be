// The runtimes Lambda accepts and how Fogbank runs them without containers: Node.js runtimes on the
// Node that runs Fogbank, Python runtimes on a local python3 (the matching python3.X when installed,
// else python3; FOGBANK_LAMBDA_PYTHON overrides), provided.al2/al2023 through the zip's `bootstrap`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatArn } from '../../../core/resources/arn.ts';

export type RuntimeFamily = 'nodejs' | 'python' | 'provided' | 'java' | 'dotnet' | 'ruby';

export interface RuntimeInfo {
  name: string;
  family: RuntimeFamily;
  /** '20' for nodejs20.x, '3.12' for python3.12, 'al2023' for provided.al2023. */
  version: string;
}

const SUPPORTED = [
  'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x',
  'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14',
  'provided', 'provided.al2', 'provided.al2023',
  'java8.al2', 'java11', 'java17', 'java21', 'java25',
  'dotnet8', 'dotnet10',
  'ruby3.2', 'ruby3.3', 'ruby3.4',
] as const;

/** Runtimes AWS no longer lets you create or update functions with. */
const DEPRECATED = new Set([
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x',
  'python2.7', 'python3.6', 'python3.7', 'python3.8',
  'java8', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'dotnet7',
  'ruby2.5', 'ruby2.7', 'go1.x',
]);

export const RUNTIME_NAMES: readonly string[] = SUPPORTED;

export function runtimeInfo(name: string): RuntimeInfo | undefined {
  if (!(SUPPORTED as readonly string[]).includes(name)) return undefined;
  let m = /^nodejs(\d+)\.x$/.exec(name);
  if (m) return { name, family: 'nodejs', version: m[1] };
  m = /^python(3\.\d+)$/.exec(name);
  if (m) return { name, family: 'python', version: m[1] };
  if (name.startsWith('provided')) return { name, family: 'provided', version: name.split('.')[1] ?? 'al1' };
  if (name.startsWith('java')) return { name, family: 'java', version: name.replace(/^java|\.al2$/g, '') };
  if (name.startsWith('dotnet')) return { name, family: 'dotnet', version: name.slice(6) };
  return { name, family: 'ruby', version: name.slice(4) };
}

export function isDeprecated(name: string): boolean {
  return DEPRECATED.has(name);
}

/** The newest runtime of the same language, for the deprecation message. */
export function successorOf(name: string): string {
  if (name.startsWith('nodejs')) return 'nodejs24.x';
  if (name.startsWith('python')) return 'python3.13';
  if (name.startsWith('java')) return 'java21';
  if (name.startsWith('dotnet')) return 'dotnet8';
  if (name.startsWith('ruby')) return 'ruby3.4';
  return 'provided.al2023';
}

export function runsLocally(info: RuntimeInfo): boolean {
  return info.family === 'nodejs' || info.family === 'python' || info.family === 'provided';
}

/** Fogbank's own node_modules: the AWS SDK that Node functions can import, as Lambda's runtime ships one. */
export const SDK_MODULES = fileURLToPath(new URL('../../../../node_modules/', import.meta.url)).replace(/\/$/, '');
export const NODE_BOOTSTRAP = fileURLToPath(new URL('./runtime/node/bootstrap.cjs', import.meta.url));
export const PYTHON_BOOTSTRAP = fileURLToPath(new URL('./runtime/python/bootstrap.py', import.meta.url));

export interface Interpreter {
  executable: string;
  /** The interpreter's own version, e.g. '3.11.2'. */
  version: string;
}

const pythons = new Map<string, Promise<Interpreter | undefined>>();

/** The python3 that runs a pythonX.Y runtime (probed once per version). */
export function pythonFor(version: string): Promise<Interpreter | undefined> {
  let p = pythons.get(version);
  if (!p) {
    const candidates = [process.env.FOGBANK_LAMBDA_PYTHON, `python${version}`, 'python3'].filter((c): c is string => !!c);
    p = (async () => {
      for (const c of candidates) {
        const found = await probe(c);
        if (found) return found;
      }
      return undefined;
    })();
    pythons.set(version, p);
  }
  return p;
}

function probe(command: string): Promise<Interpreter | undefined> {
  if (command.includes('/') && !existsSync(command)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      command,
      ['-c', "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])"],
      { timeout: 15000 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        const [executable, version] = stdout.trim().split('\n');
        resolve(executable && version?.startsWith('3.') ? { executable, version } : undefined);
      },
    );
  });
}

/** Runtime version ARN, stable per runtime (RuntimeVersionConfig). */
export function runtimeVersionArn(region: string, runtime: string): string {
  return formatArn({ service: 'lambda', region, resource: `runtime:${createHash('sha256').update(`fogbank:${runtime}`).digest('hex')}` });
}
