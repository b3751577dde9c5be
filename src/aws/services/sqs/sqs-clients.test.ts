// SQS through boto3 and the AWS CLI in every installed version: Debian's boto3 1.26 and CLI 2.9 speak
// the query protocol (form parameters such as MessageAttribute.1.Name, XML answers with flattened
// <Message> lists, query error codes); the newer ones speak JSON. The same scripts run on each.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';

let fb: TestFogbank;

before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

/** Which wire protocol a botocore speaks to SQS: its own model says (JSON since botocore 1.31.x). */
const PROTOCOL = `
import botocore.session
proto = botocore.session.get_session().get_service_model('sqs').protocol
`;

const SCRIPT = `
import boto3, json, os, hashlib
${PROTOCOL}
sqs = boto3.client('sqs', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1',
                   aws_access_key_id='test', aws_secret_access_key='test')
sent_bodies = []
def on_send(request, **kw):
    sent_bodies.append(request.body.decode() if isinstance(request.body, bytes) else request.body)
sqs.meta.events.register('before-send.sqs.*', on_send)
out = {'protocol': proto}

url = sqs.create_queue(QueueName='py', Attributes={'VisibilityTimeout': '60'}, tags={'team': 'x'})['QueueUrl']
out['url'] = url
vectors = [('timestamp', '1493147359900'), ('timestamp', '1493147359901'), ('SOME_Valid.attribute-Name', '1493147359900')]
out['md5'] = [sqs.send_message(QueueUrl=url, MessageBody='derp', MessageAttributes={n: {'DataType': 'Number', 'StringValue': v}})['MD5OfMessageAttributes']
              for n, v in vectors]
multi = {'ccc': {'DataType': 'String', 'StringValue': 'testjunk'}, 'aaa': {'DataType': 'Binary', 'BinaryValue': b'\\x02\\x03\\x04'},
         'zzz': {'DataType': 'Number', 'StringValue': '0230.01'}}
r = sqs.send_message(QueueUrl=url, MessageBody='multi', MessageAttributes=multi,
                     MessageSystemAttributes={'AWSTraceHeader': {'DataType': 'String', 'StringValue': 'Root=1-5759e988-bd862e3fe1be46a994272793'}})
out['multi_send'] = {k: r.get(k) for k in ('MD5OfMessageBody', 'MD5OfMessageAttributes', 'MD5OfMessageSystemAttributes')}
out['send_request'] = sent_bodies[-1]
msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=['All'], MessageAttributeNames=['All'])['Messages']
out['received'] = [{'Body': m['Body'], 'MD5OfBody': m['MD5OfBody'], 'MD5OfMessageAttributes': m.get('MD5OfMessageAttributes'),
                    'attrs': m['Attributes'], 'names': sorted(m.get('MessageAttributes', {})),
                    'binary': list(m['MessageAttributes']['aaa']['BinaryValue']) if 'aaa' in m.get('MessageAttributes', {}) else None}
                   for m in msgs]
out['receive_request'] = sent_bodies[-1]
out['body_md5_ok'] = all(hashlib.md5(m['Body'].encode()).hexdigest() == m['MD5OfBody'] for m in msgs)
b = sqs.send_message_batch(QueueUrl=url, Entries=[
    {'Id': 'a', 'MessageBody': 'one', 'MessageAttributes': {'k': {'DataType': 'String', 'StringValue': 'v'}}},
    {'Id': 'b', 'MessageBody': 'two', 'DelaySeconds': 901}])
out['batch'] = {'ok': [e['Id'] for e in b.get('Successful', [])], 'failed': [[e['Id'], e['Code'], e['SenderFault']] for e in b.get('Failed', [])]}
out['batch_request'] = sent_bodies[-1]
d = sqs.delete_message_batch(QueueUrl=url, Entries=[{'Id': 'x', 'ReceiptHandle': msgs[0]['ReceiptHandle']}, {'Id': 'y', 'ReceiptHandle': 'bogus'}])
out['delete_batch'] = {'ok': [e['Id'] for e in d.get('Successful', [])], 'failed': [e['Code'] for e in d.get('Failed', [])]}
a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
out['attributes'] = {k: a[k] for k in ('VisibilityTimeout', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn')}
out['tags'] = sqs.list_queue_tags(QueueUrl=url).get('Tags')
sqs.set_queue_attributes(QueueUrl=url, Attributes={'DelaySeconds': '3'})
out['delay'] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['DelaySeconds'])['Attributes']
out['list'] = sqs.list_queues(QueueNamePrefix='p').get('QueueUrls')
fifo = sqs.create_queue(QueueName='py.fifo', Attributes={'FifoQueue': 'true', 'ContentBasedDeduplication': 'true'})['QueueUrl']
s1 = sqs.send_message(QueueUrl=fifo, MessageBody='f1', MessageGroupId='g')
s2 = sqs.send_message(QueueUrl=fifo, MessageBody='f1', MessageGroupId='g')
out['fifo_dedup'] = s1['MessageId'] == s2['MessageId'] and s1['SequenceNumber'] == s2['SequenceNumber']
dlq = sqs.create_queue(QueueName='py-dlq')['QueueUrl']
sqs.set_queue_attributes(QueueUrl=url, Attributes={'RedrivePolicy': json.dumps({'deadLetterTargetArn': 'arn:aws:sqs:us-east-1:000000000000:py-dlq', 'maxReceiveCount': 5})})
out['dlq_sources'] = sqs.list_dead_letter_source_queues(QueueUrl=dlq)['queueUrls']
errors = {}
def error(name, f):
    try:
        f()
        errors[name] = None
    except sqs.exceptions.ClientError as e:
        errors[name] = {'code': e.response['Error']['Code'], 'message': e.response['Error'].get('Message'),
                        'class': type(e).__name__, 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
error('missing', lambda: sqs.get_queue_url(QueueName='missing'))
error('exists', lambda: sqs.create_queue(QueueName='py', Attributes={'VisibilityTimeout': '61'}))
error('batch_empty', lambda: sqs.delete_message_batch(QueueUrl=url, Entries=[]))
error('receipt', lambda: sqs.change_message_visibility(QueueUrl=url, ReceiptHandle='bogus', VisibilityTimeout=1))
error('attribute', lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['Nope']))
error('purge', lambda: (sqs.purge_queue(QueueUrl=url), sqs.purge_queue(QueueUrl=url)))
out['errors'] = errors
sqs.delete_queue(QueueUrl=url)
print(json.dumps(out))
`;

for (const client of boto3Clients()) {
  test(`${client.label}: queues, messages with attribute MD5s, batches, FIFO, errors`, async () => {
    const r = await python(client, fb.endpoint, SCRIPT);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const query = out.protocol === 'query';
    assert.equal(out.url, `${fb.endpoint}/000000000000/py`);
    // The digests AWS gives these attributes (as pinned by moto's test suite, and verified here by
    // the same algorithm the Java and .NET SDKs check).
    assert.deepEqual(out.md5, ['235c5c510d26fb653d073faed50ae77c', '994258b45346a2cc3f9cbb611aa7af30', '36655e7e9d7c0e8479fa3f3f42247ae7']);
    assert.equal(out.multi_send.MD5OfMessageBody, createHash('md5').update('multi').digest('hex'));
    // Sent and received, the same attributes digest the same (names sorted, whatever their order).
    assert.equal(out.multi_send.MD5OfMessageAttributes, out.received.find((m: any) => m.Body === 'multi').MD5OfMessageAttributes);
    assert.match(out.multi_send.MD5OfMessageSystemAttributes, /^[0-9a-f]{32}$/);
    if (query) {
      assert.match(out.send_request, /(^|&)Action=SendMessage(&|$)/);
      assert.match(out.send_request, /MessageAttribute\.2\.Name=aaa&MessageAttribute\.2\.Value\.DataType=Binary&MessageAttribute\.2\.Value\.BinaryValue=AgME/);
      assert.match(out.send_request, /MessageSystemAttribute\.1\.Name=AWSTraceHeader/);
      assert.match(out.receive_request, /AttributeName\.1=All&MessageAttributeName\.1=All/);
      assert.match(out.batch_request, /SendMessageBatchRequestEntry\.2\.DelaySeconds=901/);
    } else {
      assert.equal(JSON.parse(out.send_request).MessageAttributes.aaa.BinaryValue, 'AgME');
    }
    assert.equal(out.received.length, 4);
    assert.ok(out.body_md5_ok);
    const multi = out.received.find((m: any) => m.Body === 'multi');
    assert.deepEqual(multi.names, ['aaa', 'ccc', 'zzz']);
    assert.deepEqual(multi.binary, [2, 3, 4]);
    assert.equal(multi.attrs.AWSTraceHeader, 'Root=1-5759e988-bd862e3fe1be46a994272793');
    assert.equal(multi.attrs.ApproximateReceiveCount, '1');
    assert.equal(out.received[0].MD5OfMessageAttributes, '235c5c510d26fb653d073faed50ae77c');
    assert.deepEqual(out.batch, { ok: ['a'], failed: [['b', 'InvalidParameterValue', true]] });
    assert.deepEqual(out.delete_batch, { ok: ['x'], failed: ['ReceiptHandleIsInvalid'] });
    assert.deepEqual(out.attributes, { VisibilityTimeout: '60', ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '3', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:py' });
    assert.deepEqual(out.tags, { team: 'x' });
    assert.deepEqual(out.delay, { DelaySeconds: '3' });
    assert.deepEqual(out.list, [`${fb.endpoint}/000000000000/py`]);
    assert.equal(out.fifo_dedup, true);
    assert.deepEqual(out.dlq_sources, [out.url]);
    const e = out.errors;
    // botocore reports the query code either way (JSON: from x-amzn-query-error) and raises the modelled class.
    assert.deepEqual(e.missing, {
      code: 'AWS.SimpleQueueService.NonExistentQueue', class: 'QueueDoesNotExist', status: 400,
      message: query ? 'The specified queue does not exist for this wsdl version.' : 'The specified queue does not exist.',
    });
    assert.equal(e.exists.code, 'QueueAlreadyExists');
    assert.equal(e.exists.class, 'QueueNameExists');
    assert.equal(e.batch_empty.code, 'AWS.SimpleQueueService.EmptyBatchRequest');
    assert.equal(e.receipt.code, 'ReceiptHandleIsInvalid');
    assert.equal(e.receipt.status, 404);
    assert.deepEqual([e.attribute.code, e.attribute.message], ['InvalidAttributeName', 'Unknown Attribute Nope.']);
    assert.deepEqual([e.purge.code, e.purge.status], ['AWS.SimpleQueueService.PurgeQueueInProgress', 403]);
  });
}

const LONG_POLL = `
import boto3, json, os, threading, time
sqs = boto3.client('sqs', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1',
                   aws_access_key_id='test', aws_secret_access_key='test')
url = sqs.create_queue(QueueName='poll')['QueueUrl']
def later():
    time.sleep(0.3)
    sqs.send_message(QueueUrl=url, MessageBody='arrived')
threading.Thread(target=later).start()
t0 = time.time()
m = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get('Messages', [])
print(json.dumps({'bodies': [x['Body'] for x in m], 'seconds': time.time() - t0}))
`;

for (const client of boto3Clients()) {
  test(`${client.label}: a long poll returns as soon as a message arrives`, async () => {
    const r = await python(client, fb.endpoint, LONG_POLL);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.bodies, ['arrived']);
    assert.ok(out.seconds < 3, `took ${out.seconds} s`);
  });
}

for (const cli of awsCliClients()) {
  test(`${cli.label}: create, send with attributes, receive, FIFO, delete, errors`, async () => {
    const run = async (...args: string[]) => {
      const r = await aws(cli, fb.endpoint, ['sqs', ...args]);
      return { ...r, json: r.code === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : undefined };
    };
    const url = (await run('create-queue', '--queue-name', 'cli.fifo', '--attributes', 'FifoQueue=true,ContentBasedDeduplication=true')).json.QueueUrl;
    assert.equal(url, `${fb.endpoint}/000000000000/cli.fifo`);
    const sent = (await run('send-message', '--queue-url', url, '--message-body', 'hello', '--message-group-id', 'g1',
      '--message-attributes', '{"timestamp":{"DataType":"Number","StringValue":"1493147359900"}}')).json;
    assert.equal(sent.MD5OfMessageAttributes, '235c5c510d26fb653d073faed50ae77c');
    assert.equal(sent.MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
    assert.match(sent.SequenceNumber, /^\d{20}$/);
    const got = (await run('receive-message', '--queue-url', url, '--attribute-names', 'All', '--message-attribute-names', 'All')).json;
    const [m] = got.Messages;
    assert.equal(m.Body, 'hello');
    assert.equal(m.Attributes.MessageGroupId, 'g1');
    assert.equal(m.MessageAttributes.timestamp.StringValue, '1493147359900');
    // The group is locked while its message is in flight.
    assert.equal((await run('receive-message', '--queue-url', url)).stdout.trim(), '');
    assert.equal((await run('delete-message', '--queue-url', url, '--receipt-handle', m.ReceiptHandle)).code, 0);
    const missing = await run('get-queue-url', '--queue-name', 'missing');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /AWS\.SimpleQueueService\.NonExistentQueue/);
    const peek = await (await fetch(`${fb.endpoint}/_fogbank/sqs/messages?QueueUrl=${encodeURIComponent(url)}`)).json() as any;
    assert.deepEqual(peek.messages, []);
  });
}

/** A query request as a raw form post, the way SDKs older than botocore sign and send it. */
async function queryPost(path: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${fb.endpoint}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00',
    },
    body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
  });
}

test('query API: a queue URL used as the endpoint names the queue; XML in AWS\'s shape', async () => {
  const created = await (await queryPost('/', { Action: 'CreateQueue', QueueName: 'raw', 'Attribute.1.Name': 'DelaySeconds', 'Attribute.1.Value': '0' })).text();
  assert.match(created, /<CreateQueueResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><CreateQueueResult><QueueUrl>[^<]+\/000000000000\/raw<\/QueueUrl><\/CreateQueueResult><ResponseMetadata><RequestId>/);
  const sent = await (await queryPost('/000000000000/raw', { Action: 'SendMessage', MessageBody: 'via path' })).text();
  assert.match(sent, /<SendMessageResult><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MessageId>/);
  const received = await (await queryPost('/000000000000/raw', { Action: 'ReceiveMessage', 'AttributeName.1': 'SenderId' })).text();
  assert.match(received, /<ReceiveMessageResult><Message><MessageId>[^<]+<\/MessageId><ReceiptHandle>[^<]+<\/ReceiptHandle><MD5OfBody>[0-9a-f]{32}<\/MD5OfBody><Body>via path<\/Body><Attribute><Name>SenderId<\/Name><Value>000000000000<\/Value><\/Attribute><\/Message><\/ReceiveMessageResult>/);
  const error = await queryPost('/000000000000/nope', { Action: 'GetQueueAttributes', 'AttributeName.1': 'All' });
  assert.equal(error.status, 400);
  assert.match(await error.text(), /<ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code><Message>The specified queue does not exist for this wsdl version\.<\/Message><\/Error>/);
});
