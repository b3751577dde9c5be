// UpdateTimeToLive and DescribeTimeToLive.
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import { afterStatusDelay, anyTable, tableNameOf } from '../engine/tables.ts';
import { ttlSweeper } from '../engine/ttl.ts';
import { validation } from '../errors.ts';
import { checks } from './validate.ts';

type H = DynamodbHandlers;

export const updateTimeToLive: H['UpdateTimeToLive'] = async (input, ctx) => {
  const spec0 = input.TimeToLiveSpecification;
  checks().tableName('tableName', input.TableName).length('timeToLiveSpecification.attributeName', spec0.AttributeName, 1, 255).done();
  const store: DynamoStore = ctx.state;
  const { Enabled, AttributeName } = spec0;
  // The TTL state is checked in the unit that changes it: of concurrent enables, one wins.
  const spec = await store.atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
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
    await store.saveTable(spec);
    return spec;
  });
  await afterStatusDelay(store, async () => {
    const s = await store.atomically(async () => {
      const s = await store.tableById(spec.id);
      if (!s || (s.ttl.status !== 'ENABLING' && s.ttl.status !== 'DISABLING')) return undefined;
      s.ttl = s.ttl.status === 'ENABLING' ? { status: 'ENABLED', attribute: AttributeName } : { status: 'DISABLED' };
      await store.saveTable(s);
      await ttlSweeper(store).retime(s);
      return s;
    });
    if (s) await ttlSweeper(store).schedule();
  });
  return { TimeToLiveSpecification: { Enabled, AttributeName } };
};

export const describeTimeToLive: H['DescribeTimeToLive'] = async (input, ctx) => {
  checks().tableName('tableName', input.TableName).done();
  const spec = await anyTable(ctx, tableNameOf(input.TableName));
  const ttl = spec.ttl;
  return { TimeToLiveDescription: { TimeToLiveStatus: ttl.status, AttributeName: ttl.status === 'DISABLED' ? undefined : ttl.attribute } };
};
