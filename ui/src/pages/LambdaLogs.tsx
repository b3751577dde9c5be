// Lambda / Logs: functions (invoke with a payload, see the result, the error and the logs; history),
// warm workers, and CloudWatch log groups with a live tail and a filter box.
import { useQuery } from '../router.tsx';
import { LAMBDA_LOGS, Tabs } from './PageKit.tsx';
import { FunctionList, FunctionView, WorkersView } from './LambdaFunctions.tsx';
import { LogGroupList, LogGroupView } from './LogsGroups.tsx';

const TABS: Array<[string, string]> = [
  ['functions', 'Functions'],
  ['workers', 'Warm workers'],
  ['logs', 'Log groups'],
];

export function LambdaLogsPage({ path }: { path: string }) {
  const q = useQuery();
  const tab = path.split('/').filter(Boolean)[0] ?? 'functions';
  const name = q.get('name');
  const group = q.get('group');
  let body;
  if (tab === 'functions') body = name ? <FunctionView key={name} name={name} /> : <FunctionList />;
  else if (tab === 'workers') body = <WorkersView />;
  else if (tab === 'logs') body = group ? <LogGroupView key={group} group={group} /> : <LogGroupList />;
  else body = <p className="muted">Nothing here.</p>;
  return (
    <div className={tab === 'logs' && group ? 'page wide' : 'page'}>
      <h1>Lambda / Logs</h1>
      <Tabs base={LAMBDA_LOGS} tabs={TABS} current={tab} />
      {body}
    </div>
  );
}
