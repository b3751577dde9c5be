// SNS / EventBridge: topics with their subscriptions and delivery history, the SMS/email/push
// outboxes, event buses with rules, targets and match history, and Scheduler schedules.
import { useQuery } from '../router.tsx';
import { SNS_EVENTS, Tabs } from './PageKit.tsx';
import { OutboxView, TopicList, TopicView } from './SnsTopics.tsx';
import { BusList, BusView, RuleView } from './EventsBuses.tsx';
import { ScheduleList, ScheduleView } from './SchedulerSchedules.tsx';

const TABS: Array<[string, string]> = [
  ['topics', 'SNS topics'],
  ['outbox', 'SMS / email outbox'],
  ['buses', 'EventBridge buses & rules'],
  ['schedules', 'Scheduler'],
];

export function SnsEventsPage({ path }: { path: string }) {
  const q = useQuery();
  const tab = path.split('/').filter(Boolean)[0] ?? 'topics';
  const arn = q.get('arn');
  const bus = q.get('bus');
  const rule = q.get('rule');
  const group = q.get('group');
  const name = q.get('name');
  let body;
  if (tab === 'topics') body = arn ? <TopicView key={arn} arn={arn} /> : <TopicList />;
  else if (tab === 'outbox') body = <OutboxView />;
  else if (tab === 'buses') body = bus && rule ? <RuleView key={`${bus}/${rule}`} bus={bus} name={rule} /> : bus ? <BusView key={bus} bus={bus} /> : <BusList />;
  else if (tab === 'schedules') body = group && name ? <ScheduleView key={`${group}/${name}`} group={group} name={name} /> : <ScheduleList />;
  else body = <p className="muted">Nothing here.</p>;
  return (
    <div className="page">
      <h1>SNS / EventBridge</h1>
      <Tabs base={SNS_EVENTS} tabs={TABS} current={tab} />
      {body}
    </div>
  );
}
