import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessKeyId, accountId, accountOfAccessKeyId, ec2Id, iamUniqueId, newId, secretAccessKey, uuid } from './ids.ts';

test('ids come in AWS formats', () => {
  assert.match(ec2Id('vpc'), /^vpc-[0-9a-f]{17}$/);
  assert.match(iamUniqueId('AROA'), /^AROA[A-Z2-7]{17}$/);
  assert.equal(iamUniqueId('AIDA', 'seed'), iamUniqueId('AIDA', 'seed'));
  assert.notEqual(iamUniqueId('AIDA', 'seed'), iamUniqueId('AIDA', 'other'));
  assert.match(secretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
  assert.match(uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(accountId(), /^[1-9]\d{11}$/);
  assert.match(newId({ kind: 'alnum', length: 17, prefix: 'csc-' }), /^csc-[a-z0-9]{17}$/);
  assert.equal(newId({ kind: 'name' }, 'my-table'), 'my-table');
});

test('access key ids encode their account, as AWS keys do', () => {
  for (const account of ['000000000000', '123456789012', '999999999999']) {
    const id = accessKeyId('AKIA', account);
    assert.match(id, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(accountOfAccessKeyId(id), account);
  }
  // The documented example key decodes to the documented account.
  assert.equal(accountOfAccessKeyId('ASIAY34FZKBOKMUTVV7A'), '609629065308');
  assert.equal(accountOfAccessKeyId('not-a-key'), undefined);
});
