// UpdateTimeToLive and DescribeTimeToLive.
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import { afterStatusDelay, anyTable, tableNameOf } from '../engine/tables.ts';
import { ttlSweeper } from '../engine/ttl.ts';
import { validation } from '../errors.ts';
import { checks } from './validate.ts';

type H = DynamodbHandlers;

export const updateTimeToLive: H['UpdateTimeToLive'] = (input, ctx) => {
  const spec0 = input.TimeToLiveSpecification;
  checks().tableName('tableName', input.TableName).length('timeToLiveSpecification.attributeName', spec0.AttributeName, 1, 255).done();
  const store: DynamoStore = ctx.state;
  const spec = anyTable(ctx, tableNameOf(input.TableName));
  const { Enabled, AttributeName } = spec0;
  const ttl = spec.ttl;
  if (Enabled) {
    if (ttl.status === 'ENABLED' || ttl.status === 'ENABLING') {
      if (ttl.attribute !== AttributeName) throw validation(`TimeToLive is active on a different AttributeName: current AttributeName is ${ttl.attribute}`);
      throw validation('TimeToLive is already enabled');
    }
  } else {
    if (ttl.status === 'DISABLED' || ttl.status === 'DISABLING') throw validation('TimeToLive is already disabled');
    if (ttl.attribute !== AttributeName) throw validation(`TimeToLive is active on a different AttributeName: current AttributeName is ${ttl.attribute}`);
  }
  spec.ttl = { status: Enabled ? 'ENABLING' : 'DISABLING', attribute: AttributeName };
  store.saveTable(spec);
  afterStatusDelay(store, () => {
    const s = store.tableById(spec.id);
    if (!s || (s.ttl.status !== 'ENABLING' && s.ttl.status !== 'DISABLING')) return;
    s.ttl = s.ttl.status === 'ENABLING' ? { status: 'ENABLED', attribute: AttributeName } : { status: 'DISABLED' };
    store.saveTable(s);
    ttlSweeper(store).retime(s);
  });
  return { TimeToLiveSpecification: { Enabled, AttributeName } };
};

export const describeTimeToLive: H['DescribeTimeToLive'] = (input, ctx) => {
  checks().tableName('tableName', input.TableName).done();
  const spec = anyTable(ctx, tableNameOf(input.TableName));
  const ttl = spec.ttl;
  return { TimeToLiveDescription: { TimeToLiveStatus: ttl.status, AttributeName: ttl.status === 'DISABLED' ? undefined : ttl.attribute } };
};
