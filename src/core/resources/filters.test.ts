import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilters } from './filters.ts';

interface Vpc {
  id: string;
  cidr: string;
  state: string;
  isDefault: boolean;
  tags: Record<string, string>;
}
const vpcs: Vpc[] = [
  { id: 'vpc-1', cidr: '10.0.0.0/16', state: 'available', isDefault: true, tags: { Name: 'main', env: 'prod' } },
  { id: 'vpc-2', cidr: '10.1.0.0/16', state: 'pending', isDefault: false, tags: { Name: 'test-a' } },
  { id: 'vpc-3', cidr: '172.16.0.0/16', state: 'available', isDefault: false, tags: {} },
];
const fields = { 'vpc-id': (v: Vpc) => v.id, 'cidr': (v: Vpc) => v.cidr, 'state': (v: Vpc) => v.state, 'is-default': (v: Vpc) => v.isDefault };
const options = { tags: (v: Vpc) => v.tags, unknown: (name: string) => new Error(`The filter '${name}' is invalid`) };
const ids = (filters: Array<{ Name: string; Values: string[] }>) => applyFilters(vpcs, filters, fields, options).map((v) => v.id);

test('filters AND together, values OR, wildcards and tag filters', () => {
  assert.deepEqual(ids([]), ['vpc-1', 'vpc-2', 'vpc-3']);
  assert.deepEqual(ids([{ Name: 'state', Values: ['available'] }]), ['vpc-1', 'vpc-3']);
  assert.deepEqual(ids([{ Name: 'state', Values: ['available'] }, { Name: 'cidr', Values: ['10.*'] }]), ['vpc-1']);
  assert.deepEqual(ids([{ Name: 'vpc-id', Values: ['vpc-2', 'vpc-3'] }]), ['vpc-2', 'vpc-3']);
  assert.deepEqual(ids([{ Name: 'vpc-id', Values: ['vpc-?'] }]), ['vpc-1', 'vpc-2', 'vpc-3']);
  assert.deepEqual(ids([{ Name: 'is-default', Values: ['true'] }]), ['vpc-1']);
  assert.deepEqual(ids([{ Name: 'tag:Name', Values: ['test-*'] }]), ['vpc-2']);
  assert.deepEqual(ids([{ Name: 'tag-key', Values: ['env'] }]), ['vpc-1']);
  assert.deepEqual(ids([{ Name: 'tag-value', Values: ['main', 'test-a'] }]), ['vpc-1', 'vpc-2']);
  assert.throws(() => ids([{ Name: 'colour', Values: ['x'] }]), /The filter 'colour' is invalid/);
});
