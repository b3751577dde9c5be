// EventBridge Scheduler: schedule groups, schedules (create, enable/disable, delete), "fire now"
// (admin route, outside the timetable) and the invocation history.
import { useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { Badge, Facts, Pretty, Suggestions, When, allPages, arnName, invalid, parseJson, scopeQuery, snsPath, useAction, useArnSuggestions } from './PageKit.tsx';

interface Group {
  Name: string;
  Arn: string;
  State: string;
  CreationDate?: string;
}

interface ScheduleSummary {
  Name: string;
  GroupName: string;
  Arn: string;
  State: string;
  Target?: { Arn: string };
  LastModificationDate?: string;
}

interface Invocation {
  id: number;
  schedule_arn: string;
  execution_id: string;
  time: number;
  status: string;
  attempts: number;
  error: string | null;
  input: string;
}

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

export function ScheduleList() {
  const scope = useScope();
  const [group, setGroup] = useState('');
  const [groups, groupsError, reloadGroups] = useLoad(
    () =>
      allPages((token) =>
        callAws<{ ScheduleGroups?: Group[]; NextToken?: string }>(scope, 'scheduler', 'ListScheduleGroups', token ? { NextToken: token } : {}).then((r) => ({
          items: r.ScheduleGroups ?? [],
          next: r.NextToken,
        })),
      ),
    [scope.account, scope.region],
  );
  const [schedules, schedulesError, reloadSchedules] = useLoad(
    () =>
      allPages((token) =>
        callAws<{ Schedules?: ScheduleSummary[]; NextToken?: string }>(scope, 'scheduler', 'ListSchedules', { ...(group ? { GroupName: group } : {}), ...(token ? { NextToken: token } : {}) }).then(
          (r) => ({ items: r.Schedules ?? [], next: r.NextToken }),
        ),
      ),
    [scope.account, scope.region, group],
  );
  const action = useAction();
  const [fired, setFired] = useState<string>();
  const reload = () => {
    reloadGroups();
    reloadSchedules();
  };

  const fire = (s: ScheduleSummary) => {
    setFired(undefined);
    action.run(async () => {
      const r = await api<{ executionId: string }>(`/_fogbank/scheduler/schedules/${encodeURIComponent(s.Name)}/fire?${scopeQuery(scope, { group: s.GroupName })}`, { method: 'POST' });
      setFired(`${s.GroupName}/${s.Name} fired: execution ${r.executionId}`);
    });
  };
  const del = (s: ScheduleSummary) => {
    if (!window.confirm(`Delete schedule ${s.GroupName}/${s.Name}?`)) return;
    action.run(async () => {
      await callAws(scope, 'scheduler', 'DeleteSchedule', { Name: s.Name, GroupName: s.GroupName });
      reloadSchedules();
    });
  };
  const delGroup = (g: Group) => {
    if (!window.confirm(`Delete schedule group ${g.Name} and its schedules?`)) return;
    action.run(async () => {
      await callAws(scope, 'scheduler', 'DeleteScheduleGroup', { Name: g.Name });
      if (group === g.Name) setGroup('');
      reload();
    });
  };

  return (
    <>
      <Section
        title={`Schedules in ${scope.account} · ${scope.region}`}
        actions={
          <>
            <select aria-label="Group filter" value={group} onChange={(e) => setGroup(e.target.value)}>
              <option value="">all groups</option>
              {(groups ?? []).map((g) => (
                <option key={g.Name}>{g.Name}</option>
              ))}
            </select>
            <button className="secondary" onClick={reload}>
              Refresh
            </button>
          </>
        }
      >
        <ErrorBanner error={schedulesError ?? action.error} />
        {fired ? <p className="notice">{fired}</p> : null}
        {schedules && schedules.length === 0 ? <p className="muted">No schedules{group ? ` in ${group}` : ''} yet.</p> : null}
        {schedules?.length ? (
          <table>
            <thead>
              <tr>
                <th>Schedule</th>
                <th>Group</th>
                <th>State</th>
                <th>Target</th>
                <th>Modified</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {schedules.map((s) => (
                <tr key={s.Arn}>
                  <td>
                    <Link to={snsPath('schedules', { group: s.GroupName, name: s.Name })}>{s.Name}</Link>
                  </td>
                  <td>{s.GroupName}</td>
                  <td>
                    <Badge value={s.State} />
                  </td>
                  <td>
                    <code>{s.Target?.Arn ?? ''}</code>
                  </td>
                  <td>
                    <When at={s.LastModificationDate} />
                  </td>
                  <td className="row-actions">
                    <button onClick={() => fire(s)} disabled={action.busy}>
                      Fire now
                    </button>
                    <button className="danger" onClick={() => del(s)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <ScheduleForm groups={(groups ?? []).map((g) => g.Name)} onDone={reloadSchedules} />
      <Invocations title="Recent invocations" query={{ limit: '200' }} arnPrefix={`arn:aws:scheduler:${scope.region}:${scope.account}:`} />
      <Section title="Schedule groups">
        <ErrorBanner error={groupsError} />
        <table>
          <thead>
            <tr>
              <th>Group</th>
              <th>State</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(groups ?? []).map((g) => (
              <tr key={g.Arn}>
                <td>{g.Name}</td>
                <td>
                  <Badge value={g.State} />
                </td>
                <td>
                  <When at={g.CreationDate} />
                </td>
                <td className="row-actions">
                  {g.Name === 'default' ? null : (
                    <button className="danger" onClick={() => delGroup(g)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <GroupForm onDone={reloadGroups} />
      </Section>
    </>
  );
}

function GroupForm({ onDone }: { onDone: () => void }) {
  const scope = useScope();
  const [name, setName] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.run(async () => {
      if (!NAME.test(name.trim())) invalid('A group name has 1 to 64 letters, digits and - _ .');
      await callAws(scope, 'scheduler', 'CreateScheduleGroup', { Name: name.trim() });
      setName('');
      onDone();
    });
  };
  return (
    <>
      <h3>Create a group</h3>
      <form className="inline" onSubmit={submit}>
        <input aria-label="Group name" value={name} onChange={(e) => setName(e.target.value)} placeholder="group name" />
        <button type="submit" disabled={action.busy}>
          Create group
        </button>
      </form>
      <ErrorBanner error={action.error} />
    </>
  );
}

function ScheduleForm({ groups, onDone }: { groups: string[]; onDone: () => void }) {
  const scope = useScope();
  const [name, setName] = useState('');
  const [group, setGroup] = useState('default');
  const [expression, setExpression] = useState('rate(1 hour)');
  const [timezone, setTimezone] = useState('');
  const [target, setTarget] = useState('');
  const [role, setRole] = useState('');
  const [input, setInput] = useState('');
  const [enabled, setEnabled] = useState(true);
  const action = useAction();
  const suggestions = useArnSuggestions(scope, ['sqs', 'sns', 'lambda']);
  const roleArn = role || `arn:aws:iam::${scope.account}:role/scheduler-role`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.run(async () => {
      if (!NAME.test(name.trim())) invalid('A schedule name has 1 to 64 letters, digits and - _ .');
      if (!/^(at|rate|cron)\(.+\)$/.test(expression.trim())) invalid('A schedule expression is at(…), rate(…) or cron(…).');
      if (!/^arn:aws[\w-]*:[\w-]+:/.test(target.trim())) invalid('The target must be an ARN.');
      if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(roleArn)) invalid('The role must be an IAM role ARN.');
      const t: Record<string, unknown> = { Arn: target.trim(), RoleArn: roleArn };
      if (input.trim()) {
        parseJson(input, 'The input');
        t.Input = input.trim();
      }
      await callAws(scope, 'scheduler', 'CreateSchedule', {
        Name: name.trim(),
        GroupName: group,
        ScheduleExpression: expression.trim(),
        ...(timezone ? { ScheduleExpressionTimezone: timezone } : {}),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: t,
        State: enabled ? 'ENABLED' : 'DISABLED',
      });
      setName('');
      onDone();
    });
  };

  return (
    <Section title="Create a schedule">
      <form className="stack" onSubmit={submit}>
        <div className="row">
          <label>
            Name
            <input aria-label="Schedule name" value={name} onChange={(e) => setName(e.target.value)} placeholder="nightly-report" />
          </label>
          <label>
            Group
            <select aria-label="Schedule group" value={group} onChange={(e) => setGroup(e.target.value)}>
              {[...new Set(['default', ...groups])].map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          </label>
          <label>
            Expression
            <input aria-label="Expression" value={expression} onChange={(e) => setExpression(e.target.value)} size={24} />
          </label>
          <label>
            Time zone
            <input aria-label="Time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} placeholder="UTC" size={14} />
          </label>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
          </label>
        </div>
        <div className="row">
          <label className="grow">
            Target ARN
            <input aria-label="Schedule target" list="scheduler-targets" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="arn:aws:sqs:us-east-1:000000000000:my-queue" />
          </label>
          <Suggestions id="scheduler-targets" values={suggestions} />
          <label className="grow">
            Role ARN
            <input aria-label="Role ARN" value={role} onChange={(e) => setRole(e.target.value)} placeholder={roleArn} />
          </label>
        </div>
        <label className="full">
          Input (JSON, optional)
          <textarea aria-label="Schedule input" rows={2} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
        </label>
        <button type="submit" disabled={action.busy}>
          Create schedule
        </button>
      </form>
      <ErrorBanner error={action.error} />
    </Section>
  );
}

export function ScheduleView({ group, name }: { group: string; name: string }) {
  const scope = useScope();
  const [schedule, error, reload] = useLoad(() => callAws<Record<string, any>>(scope, 'scheduler', 'GetSchedule', { Name: name, GroupName: group }), [group, name, scope.account, scope.region]);
  const action = useAction();
  const [fired, setFired] = useState<string>();
  const [tick, setTick] = useState(0);

  const fire = () => {
    setFired(undefined);
    action.run(async () => {
      const r = await api<{ executionId: string }>(`/_fogbank/scheduler/schedules/${encodeURIComponent(name)}/fire?${scopeQuery(scope, { group })}`, { method: 'POST' });
      setFired(`Fired: execution ${r.executionId}`);
      setTimeout(() => setTick((t) => t + 1), 300);
    });
  };
  const toggle = () =>
    action.run(async () => {
      if (!schedule) return;
      const keep = ['Name', 'GroupName', 'ScheduleExpression', 'ScheduleExpressionTimezone', 'StartDate', 'EndDate', 'Description', 'FlexibleTimeWindow', 'Target', 'KmsKeyArn', 'ActionAfterCompletion'];
      const input: Record<string, unknown> = {};
      for (const k of keep) if (schedule[k] !== undefined) input[k] = schedule[k];
      input.State = schedule.State === 'DISABLED' ? 'ENABLED' : 'DISABLED';
      await callAws(scope, 'scheduler', 'UpdateSchedule', input);
      reload();
    });
  const del = () => {
    if (!window.confirm(`Delete schedule ${group}/${name}?`)) return;
    action.run(async () => {
      await callAws(scope, 'scheduler', 'DeleteSchedule', { Name: name, GroupName: group });
      navigate(snsPath('schedules'));
    });
  };

  return (
    <>
      <p className="breadcrumbs">
        <Link to={snsPath('schedules')}>Schedules</Link> › {group} › <strong>{name}</strong>
      </p>
      <ErrorBanner error={error} />
      {schedule ? (
        <>
          <Facts
            rows={[
              ['ARN', <code>{String(schedule.Arn)}</code>],
              ['State', <Badge value={schedule.State} />],
              ['Expression', <code>{String(schedule.ScheduleExpression)}</code>],
              ['Time zone', schedule.ScheduleExpressionTimezone],
              ['Flexible window', schedule.FlexibleTimeWindow?.Mode === 'OFF' ? 'off' : `${schedule.FlexibleTimeWindow?.MaximumWindowInMinutes} minutes`],
              ['Target', <code>{String(schedule.Target?.Arn ?? '')}</code>],
              ['Role', <code>{String(schedule.Target?.RoleArn ?? '')}</code>],
              ['Input', schedule.Target?.Input ? <Pretty text={schedule.Target.Input} /> : undefined],
              ['Start / end', schedule.StartDate || schedule.EndDate ? `${schedule.StartDate ?? '…'} – ${schedule.EndDate ?? '…'}` : undefined],
              ['Description', schedule.Description],
            ]}
          />
          <div className="toolbar">
            <button onClick={fire} disabled={action.busy}>
              Fire now
            </button>
            <button className="secondary" onClick={toggle} disabled={action.busy}>
              {schedule.State === 'DISABLED' ? 'Enable' : 'Disable'}
            </button>
            <button className="danger" onClick={del} disabled={action.busy}>
              Delete
            </button>
          </div>
          <ErrorBanner error={action.error} />
          {fired ? <p className="notice">{fired}</p> : null}
          <Invocations key={tick} title="Invocations" query={{ scheduleArn: String(schedule.Arn), limit: '100' }} />
        </>
      ) : null}
    </>
  );
}

function Invocations({ title, query, arnPrefix }: { title: string; query: Record<string, string>; arnPrefix?: string }) {
  const [rows, error, reload] = useLoad(
    () =>
      api<{ invocations: Invocation[] }>(`/_fogbank/scheduler/invocations?${new URLSearchParams(query)}`).then((r) =>
        r.invocations.filter((i) => !arnPrefix || i.schedule_arn.startsWith(arnPrefix)).reverse(),
      ),
    [JSON.stringify(query), arnPrefix],
  );
  return (
    <Section title={title} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
      <ErrorBanner error={error} />
      {rows && rows.length === 0 ? <p className="muted">No invocations yet.</p> : null}
      {rows?.length ? (
        <table aria-label="Invocations">
          <thead>
            <tr>
              <th>Time</th>
              {arnPrefix ? <th>Schedule</th> : null}
              <th>Execution</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Error</th>
              <th>Input</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <When at={r.time} />
                </td>
                {arnPrefix ? <td>{r.schedule_arn.split('schedule/')[1] ?? arnName(r.schedule_arn)}</td> : null}
                <td>
                  <code>{r.execution_id}</code>
                </td>
                <td>
                  <Badge value={r.status} />
                </td>
                <td className="num">{r.attempts}</td>
                <td>{r.error ?? ''}</td>
                <td>
                  <code className="clip">{r.input}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}
