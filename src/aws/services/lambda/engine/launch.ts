// How a worker process is started for a function version: the command for its runtime, the
// directories it sees (task root, layers as /opt, a private TMPDIR) and Lambda's environment
// variables, with AWS_ENDPOINT_URL pointing at Fogbank and credentials for the function's role.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Environment } from '../../../../core/environment.ts';
import type { CodeStore } from '../code.ts';
import type { Target } from './target.ts';
import type { LaunchSpec } from './worker.ts';
import { NODE_BOOTSTRAP, PYTHON_BOOTSTRAP, SDK_MODULES, pythonFor, runsLocally, runtimeInfo } from '../runtimes.ts';
import { dockerLaunch } from './docker.ts';
import { formatArn } from '../../../../core/resources/arn.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';

export interface Prepared {
  /** Builds the spec once the worker's Runtime API address is known. */
  spec: (runtimeApi: string) => LaunchSpec;
  logGroup: string;
  logStream: string;
  /** INIT_START's runtime version text, naming what runs the function locally. */
  runtimeVersion: string;
  credentialsExpireAt: number;
  scratch: string;
}

/** A launch that cannot happen (runtime not available here); becomes the invocation's error. */
export class LaunchRefused extends Error {
  readonly errorType: string;
  constructor(errorType: string, message: string) {
    super(message);
    this.errorType = errorType;
  }
}

const CREDENTIAL_SECONDS = 12 * 3600;

export async function prepareLaunch(
  env: Environment,
  code: CodeStore,
  t: Target,
  options: { provisioned: boolean; workerId: number },
): Promise<Prepared> {
  const c = t.config;
  const fn = t.fn;
  const day = new Date(env.clock.now()).toISOString().slice(0, 10).replaceAll('-', '/');
  const logStream = `${day}/[${t.version.version}]${randomBytes(16).toString('hex')}`;
  const logGroup = c.LoggingConfig.LogGroup;
  const roleName = c.Role.slice(c.Role.lastIndexOf('/') + 1);
  const creds = await env.accounts.issue(
    { account: fn.account, arn: formatArn({ service: 'sts', account: fn.account, resource: `assumed-role/${roleName}/${fn.name}` }), userId: `${iamUniqueId('AROA', c.Role)}:${fn.name}` },
    CREDENTIAL_SECONDS,
    // The session names its role, so that authorization can later act with the role's policies.
    { roleArn: c.Role },
  );
  const scratch = `w${options.workerId}-${randomBytes(4).toString('hex')}`;
  const tmp = code.scratch(scratch);
  const base: Record<string, string> = {
    ...(c.Environment ?? {}),
    AWS_ENDPOINT_URL: c.Environment?.AWS_ENDPOINT_URL ?? env.endpoint,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    TMPDIR: tmp,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.MemorySize),
    AWS_LAMBDA_FUNCTION_VERSION: t.version.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: options.provisioned ? 'provisioned-concurrency' : 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken ?? '',
    // A function reads no configuration of the machine it happens to run on, as in Lambda.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  };
  if (c.LoggingConfig.LogFormat === 'JSON') {
    base.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    base.AWS_LAMBDA_LOG_LEVEL = c.LoggingConfig.ApplicationLogLevel ?? 'INFO';
  }
  const prepared = (spec: (api: string) => LaunchSpec, runtimeVersion: string): Prepared => ({
    spec,
    logGroup,
    logStream,
    runtimeVersion,
    credentialsExpireAt: env.clock.now() + CREDENTIAL_SECONDS * 1000,
    scratch,
  });

  if (c.PackageType === 'Image') {
    return prepared(dockerLaunch(c, base, `fogbank-lambda-${scratch}`), `image ${c.ImageUri} (Fogbank: Docker)`);
  }
  const info = runtimeInfo(c.Runtime ?? '');
  if (!info || !runsLocally(info)) {
    code.dropScratch(scratch);
    throw new LaunchRefused(
      'Runtime.Unavailable',
      `Fogbank runs nodejs, python and provided (custom runtime) functions as local processes; ${c.Runtime} is not available without a container.`,
    );
  }
  const taskRoot = await code.directory(t.version.code_sha256, t.version.code_blob);
  const opt = await code.optDirectory(c.Layers.map((l) => ({ sha256: l.CodeSha256, blob: l.Blob })));
  const optPath = (p: string) => (opt ? join(opt, p) : undefined);
  const path = [optPath('bin'), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].filter(Boolean).join(':');
  const ldPath = [join(taskRoot, 'lib'), optPath('lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const common = {
    ...base,
    PATH: path,
    LD_LIBRARY_PATH: ldPath,
    _HANDLER: c.Handler ?? '',
    AWS_EXECUTION_ENV: `AWS_Lambda_${info.name}`,
    LAMBDA_TASK_ROOT: taskRoot,
  };

  if (info.family === 'nodejs') {
    const nodePath = [optPath(`nodejs/node${info.version}/node_modules`), optPath('nodejs/node_modules'), SDK_MODULES, taskRoot].filter(Boolean).join(':');
    const heap = Math.max(64, Math.floor(c.MemorySize * 0.9));
    return prepared(
      (api) => ({
        command: process.execPath,
        args: [`--max-old-space-size=${heap}`, NODE_BOOTSTRAP],
        cwd: taskRoot,
        env: {
          ...common,
          NODE_PATH: nodePath,
          LAMBDA_RUNTIME_DIR: join(NODE_BOOTSTRAP, '..'),
          FOGBANK_COMPILE_CACHE: join(code.root, 'compile-cache'),
          AWS_LAMBDA_RUNTIME_API: api,
        },
      }),
      `nodejs:${info.version} (Fogbank: node ${process.version} at ${process.execPath})`,
    );
  }
  if (info.family === 'python') {
    const python = await pythonFor(info.version);
    if (!python) {
      code.dropScratch(scratch);
      throw new LaunchRefused('Runtime.Unavailable', `Fogbank found no python3 to run ${info.name}: install python${info.version} or python3, or set FOGBANK_LAMBDA_PYTHON.`);
    }
    const pythonPath = [optPath(`python/lib/python${info.version}/site-packages`), optPath('python')].filter(Boolean).join(':');
    return prepared(
      (api) => ({
        command: python.executable,
        args: [PYTHON_BOOTSTRAP],
        cwd: taskRoot,
        env: {
          ...common,
          ...(pythonPath ? { PYTHONPATH: pythonPath } : {}),
          PYTHONUNBUFFERED: '1',
          LAMBDA_RUNTIME_DIR: join(PYTHON_BOOTSTRAP, '..'),
          AWS_LAMBDA_RUNTIME_API: api,
        },
      }),
      `python:${info.version} (Fogbank: ${python.executable}, Python ${python.version})`,
    );
  }
  // Custom runtimes: the package's bootstrap, else one a layer brings.
  const candidates = [join(taskRoot, 'bootstrap'), ...(opt ? [join(opt, 'bootstrap')] : [])];
  const bootstrap = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (!bootstrap) {
    code.dropScratch(scratch);
    throw new LaunchRefused('Runtime.InvalidEntrypoint', `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]`);
  }
  return prepared(
    (api) => ({ command: bootstrap, args: [], cwd: taskRoot, env: { ...common, LAMBDA_RUNTIME_DIR: taskRoot, AWS_LAMBDA_RUNTIME_API: api } }),
    `${info.name} (Fogbank: ${bootstrap})`,
  );
}
