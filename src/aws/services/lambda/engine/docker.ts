// Image functions (PackageType Image) run in Docker when an engine is reachable: the container uses
// the host's network so that its runtime client reaches the worker's Runtime API on 127.0.0.1, as
// Lambda's base images do when AWS_LAMBDA_RUNTIME_API is set. Without Docker they cannot be created.
import { execFile } from 'node:child_process';
import type { StoredConfig } from '../config.ts';
import type { LaunchSpec } from './worker.ts';

let checked: { at: number; problem: string | undefined } | undefined;

/** Why image functions cannot run here (undefined when Docker answers). Cached for 30 s. */
export function dockerProblem(): Promise<string | undefined> {
  if (checked && Date.now() - checked.at < 30_000) return Promise.resolve(checked.problem);
  return new Promise((resolve) => {
    execFile('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 5000 }, (err, stdout, stderr) => {
      let problem: string | undefined;
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problem = code === 'ENOENT'
          ? 'the docker command is not installed'
          : `the Docker engine is not reachable (${(stderr || err.message).trim().split('\n').pop()})`;
      } else if (!stdout.trim()) problem = 'the Docker engine did not report a version';
      checked = { at: Date.now(), problem };
      resolve(problem);
    });
  });
}

/** `docker run` of the function's image, with Lambda's environment passed through. */
export function dockerLaunch(c: StoredConfig, env: Record<string, string>, name: string): (api: string) => LaunchSpec {
  return (api) => {
    const all = { ...env, AWS_LAMBDA_RUNTIME_API: api };
    const args = ['run', '--rm', '--name', name, '--network', 'host'];
    for (const k of Object.keys(all)) {
      if (k === 'AWS_CONFIG_FILE' || k === 'AWS_SHARED_CREDENTIALS_FILE' || k === 'TMPDIR') continue;
      args.push('-e', k);
    }
    const ic = c.ImageConfig;
    if (ic?.EntryPoint?.length) args.push('--entrypoint', ic.EntryPoint[0]);
    if (ic?.WorkingDirectory) args.push('-w', ic.WorkingDirectory);
    args.push(c.ImageUri ?? '');
    if (ic?.EntryPoint && ic.EntryPoint.length > 1) args.push(...ic.EntryPoint.slice(1));
    if (ic?.Command?.length) args.push(...ic.Command);
    return { command: 'docker', args, cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...all } };
  };
}

/** Removes a container whose `docker run` client was killed (timeouts, eviction). */
export function removeContainer(name: string): void {
  execFile('docker', ['rm', '-f', name], { timeout: 10_000 }, () => {});
}
