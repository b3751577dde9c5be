// boto3 (every installed version) and the AWS CLI against Lambda: functions created from zips the
// client builds, invoked synchronously and asynchronously, with errors and log tails as AWS sends them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { aws, awsCliClients, boto3Clients, python } from '../../../../test/support/clients.ts';
import { ROLE, zipOf } from '../../../../test/support/lambda-kit.ts';

let fb: TestFogbank;

before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());

for (const client of boto3Clients()) {
  test(`boto3 ${client.boto3Version}: create from a zip built in Python, invoke, errors, tail, list, delete`, async () => {
    const name = `py-${client.boto3Version.replaceAll('.', '-')}`;
    const r = await python(client, fb.endpoint, `
import boto3, io, json, os, zipfile, base64
lam = boto3.client('lambda', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('handler.py', 'def main(event, context):\\n    if event.get("fail"):\\n        raise RuntimeError("asked to fail")\\n    print("hello from", context.function_name)\\n    return {"sum": event["a"] + event["b"]}\\n')
name = os.environ['NAME']
created = lam.create_function(FunctionName=name, Runtime='python3.11', Role=os.environ['ROLE'], Handler='handler.main', Code={'ZipFile': buf.getvalue()}, Timeout=5)
lam.get_waiter('function_active_v2').wait(FunctionName=name, WaiterConfig={'Delay': 1})
ok = lam.invoke(FunctionName=name, Payload=json.dumps({'a': 2, 'b': 3}), LogType='Tail')
bad = lam.invoke(FunctionName=name, Payload=json.dumps({'fail': True}))
event = lam.invoke(FunctionName=name, InvocationType='Event', Payload=b'{"a":1,"b":1}')
try:
    lam.invoke(FunctionName='does-not-exist')
    missing = None
except lam.exceptions.ResourceNotFoundException as e:
    missing = e.response['Error']['Code']
got = lam.get_function(FunctionName=name)
names = [f['FunctionName'] for f in lam.list_functions()['Functions']]
lam.delete_function(FunctionName=name)
print(json.dumps({
    'state': created['State'],
    'ok': json.loads(ok['Payload'].read()),
    'okStatus': ok['StatusCode'],
    'tail': base64.b64decode(ok['LogResult']).decode(),
    'badError': bad.get('FunctionError'),
    'bad': json.loads(bad['Payload'].read()),
    'eventStatus': event['StatusCode'],
    'missing': missing,
    'codeType': got['Code']['RepositoryType'],
    'listed': name in names,
}))
`, { NAME: name, ROLE });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.state, 'Pending');
    assert.deepEqual(out.ok, { sum: 5 });
    assert.equal(out.okStatus, 200);
    assert.match(out.tail, new RegExp(`hello from ${name}`));
    assert.match(out.tail, /REPORT RequestId: \S+\tDuration: /);
    assert.equal(out.badError, 'Unhandled');
    assert.equal(out.bad.errorType, 'RuntimeError');
    assert.equal(out.bad.errorMessage, 'asked to fail');
    assert.equal(out.eventStatus, 202);
    assert.equal(out.missing, 'ResourceNotFoundException');
    assert.equal(out.codeType, 'S3');
    assert.equal(out.listed, true);
  });
}

for (const cli of awsCliClients()) {
  test(`${cli.label}: lambda create-function from fileb:// zip and invoke to a file`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fogbank-cli-'));
    const zip = join(dir, 'fn.zip');
    writeFileSync(zip, zipOf({ 'index.js': `exports.handler = async (e) => ({ doubled: e.n * 2 });` }));
    const name = `cli-${cli.label.replace(/[^a-z0-9]/gi, '-')}`;
    const created = await aws(cli, fb.endpoint, ['lambda', 'create-function', '--function-name', name, '--runtime', 'nodejs20.x', '--role', ROLE, '--handler', 'index.handler', '--zip-file', `fileb://${zip}`]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).FunctionName, name);
    const out = join(dir, 'out.json');
    // CLI v2 takes blobs as base64 unless told otherwise; v1 takes the text as is.
    const raw = cli.label.startsWith('aws-cli/2') ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
    const invoked = await aws(cli, fb.endpoint, ['lambda', 'invoke', '--function-name', name, ...raw, '--payload', '{"n":21}', out]);
    assert.equal(invoked.code, 0, invoked.stderr);
    assert.equal(JSON.parse(invoked.stdout).StatusCode, 200);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { doubled: 42 });
  });
}
