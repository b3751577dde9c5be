// The real clients Fogbank's tests drive besides the AWS SDK v3: the AWS CLI and boto3, in every
// version this machine has (Debian's, which .ci/run installs, and a newer one on PATH if present).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface PythonClient {
  python: string;
  boto3Version: string;
  label: string;
}

export interface CliClient {
  aws: string;
  version: string;
  label: string;
}

function probe(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20000 }).trim();
  } catch {
    return undefined;
  }
}

let pythons: PythonClient[] | undefined;
/** Every python3 with boto3: Debian's /usr/bin/python3 first, then the one on PATH if different. */
export function boto3Clients(): PythonClient[] {
  if (pythons) return pythons;
  const seen = new Set<string>();
  pythons = [];
  for (const py of ['/usr/bin/python3', 'python3']) {
    const out = probe(py, ['-c', 'import sys, boto3; print(sys.executable); print(boto3.__version__)']);
    if (!out) continue;
    const [exe, version] = out.split('\n');
    if (seen.has(exe)) continue;
    seen.add(exe);
    pythons.push({ python: py, boto3Version: version, label: `boto3 ${version}` });
  }
  return pythons;
}

let clis: CliClient[] | undefined;
/** Every AWS CLI: Debian's /usr/bin/aws first, then the one on PATH if different. */
export function awsCliClients(): CliClient[] {
  if (clis) return clis;
  clis = [];
  const seen = new Set<string>();
  for (const aws of ['/usr/bin/aws', 'aws']) {
    if (aws.startsWith('/') && !existsSync(aws)) continue;
    const version = probe(aws, ['--version']);
    if (!version || seen.has(version)) continue;
    seen.add(version);
    clis.push({ aws, version, label: version.split(' ')[0] });
  }
  return clis;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function clientEnv(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env, timeout: 60000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Runs the AWS CLI (with --endpoint-url set for the older versions that ignore AWS_ENDPOINT_URL). */
export function aws(cli: CliClient, endpoint: string, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return run(cli.aws, ['--endpoint-url', endpoint, '--output', 'json', ...args], clientEnv(endpoint, extraEnv));
}

/** Runs a Python script with boto3; the script reads ENDPOINT from the environment. */
export function python(client: PythonClient, endpoint: string, script: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return run(client.python, ['-c', script], clientEnv(endpoint, { ENDPOINT: endpoint, ...extraEnv }));
}
