// Runs a boto3 scenario against a test Fogbank for the IAM tests: the script gets an IAM client `c`
// (and `sts`), `err(f, ...)` giving [status, code, message] of a refused call (None when it succeeded),
// fills the dict `out`, which comes back parsed. Every boto3 on the machine can run it; the tests use
// the first (Debian's 1.26, the oldest).
import assert from 'node:assert/strict';
import { boto3Clients, python } from '../../../../test/support/clients.ts';

const PRELUDE = [
  'import os, json, boto3, botocore',
  "c = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')",
  "sts = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')",
  'def err(f, *a, **k):',
  '    try:',
  '        f(*a, **k)',
  '        return None',
  '    except botocore.exceptions.ClientError as e:',
  "        return [e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Code'], e.response['Error'].get('Message')]",
  'out = {}',
].join('\n');

export async function boto3(endpoint: string, script: string, env: Record<string, string> = {}): Promise<any> {
  const client = boto3Clients()[0];
  assert.ok(client, 'boto3 is installed');
  const r = await python(client, endpoint, `${PRELUDE}\n${script}\nprint(json.dumps(out, default=str))`, env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}
