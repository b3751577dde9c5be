// EventBridge: event buses, their rules (an event pattern or a schedule, enabled or disabled), each
// rule's targets and match history, "test this pattern against an event" (TestEventPattern), "put
// this event" (PutEvents, with each entry's result) and "fire this rule now" (admin route).
import { useEffect, useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { Badge, Facts, Pretty, Suggestions, When, allPages, invalid, parseJson, scopeQuery, snsPath, useAction, useArnSuggestions } from './PageKit.tsx';

interface Bus {
  Name: string;
  Arn: string;
  Description?: string;
  CreationTime?: string;
}

interface Rule {
  Name: string;
  Arn: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: string;
  Description?: string;
  EventBusName?: string;
  ManagedBy?: string;
  RoleArn?: string;
}

interface Target {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: unknown;
  RoleArn?: string;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: unknown;
}

interface Match {
  id: number;
  rule_arn: string;
  event_id: string;
  time: number;
  target_id: string | null;
  status: string;
  attempts: number;
  error: string | null;
  event: Record<string, unknown>;
}

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

export function BusList() {
  const scope = useScope();
  const [buses, loadError, reload] = useLoad(
    () =>
      allPages((token) =>
        callAws<{ EventBuses?: Bus[]; NextToken?: string }>(scope, 'events', 'ListEventBuses', token ? { NextToken: token } : {}).then((r) => ({ items: r.EventBuses ?? [], next: r.NextToken })),
      ),
    [scope.account, scope.region],
  );
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useAction();
  const remove = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.run(async () => {
      const n = name.trim();
      if (!n) invalid('A bus name is required.');
      if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(n)) invalid('A bus name has up to 256 letters, digits and . - _ /');
      if (n === 'default') invalid('The default bus always exists.');
      await callAws(scope, 'events', 'CreateEventBus', { Name: n, ...(description ? { Description: description } : {}) });
      setName('');
      setDescription('');
      reload();
    });
  };

  const del = (bus: string) => {
    if (!window.confirm(`Delete event bus ${bus}?`)) return;
    remove.run(async () => {
      await callAws(scope, 'events', 'DeleteEventBus', { Name: bus });
      reload();
    });
  };

  return (
    <>
      <Section title={`Event buses in ${scope.account} · ${scope.region}`} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
        <ErrorBanner error={loadError ?? remove.error} />
        <table>
          <thead>
            <tr>
              <th>Bus</th>
              <th>Description</th>
              <th>Created</th>
              <th>ARN</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(buses ?? []).map((b) => (
              <tr key={b.Arn}>
                <td>
                  <Link to={snsPath('buses', { bus: b.Name })}>{b.Name}</Link>
                </td>
                <td>{b.Description ?? ''}</td>
                <td>
                  <When at={b.CreationTime} />
                </td>
                <td>
                  <code>{b.Arn}</code>
                </td>
                <td className="row-actions">
                  {b.Name === 'default' ? null : (
                    <button className="danger" onClick={() => del(b.Name)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Create an event bus">
        <form className="inline" onSubmit={submit}>
          <label>
            Name
            <input aria-label="Bus name" value={name} onChange={(e) => setName(e.target.value)} placeholder="orders" />
          </label>
          <label>
            Description
            <input aria-label="Bus description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="optional" />
          </label>
          <button type="submit" disabled={create.busy}>
            Create bus
          </button>
        </form>
        <ErrorBanner error={create.error} />
      </Section>
    </>
  );
}

export function BusView({ bus }: { bus: string }) {
  const scope = useScope();
  const [rules, loadError, reload] = useLoad(
    () =>
      allPages((token) =>
        callAws<{ Rules?: Rule[]; NextToken?: string }>(scope, 'events', 'ListRules', { EventBusName: bus, ...(token ? { NextToken: token } : {}) }).then((r) => ({
          items: r.Rules ?? [],
          next: r.NextToken,
        })),
      ),
    [bus, scope.account, scope.region],
  );
  const toggle = useAction();
  const setState = (r: Rule) =>
    toggle.run(async () => {
      await callAws(scope, 'events', r.State === 'DISABLED' ? 'EnableRule' : 'DisableRule', { Name: r.Name, EventBusName: bus });
      reload();
    });

  return (
    <>
      <p className="breadcrumbs">
        <Link to={snsPath('buses')}>Event buses</Link> › <strong>{bus}</strong>
      </p>
      <Section title={`Rules on ${bus}`} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
        <ErrorBanner error={loadError ?? toggle.error} />
        {rules && rules.length === 0 ? <p className="muted">No rules on this bus yet.</p> : null}
        {rules?.length ? (
          <table>
            <thead>
              <tr>
                <th>Rule</th>
                <th>Event pattern or schedule</th>
                <th>State</th>
                <th>Description</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.Arn}>
                  <td>
                    <Link to={snsPath('buses', { bus, rule: r.Name })}>{r.Name}</Link>
                  </td>
                  <td>
                    {r.ScheduleExpression ? (
                      <>
                        <span className="muted">schedule </span>
                        <code>{r.ScheduleExpression}</code>
                      </>
                    ) : null}
                    {r.EventPattern ? <code className="clip">{r.EventPattern}</code> : null}
                  </td>
                  <td>
                    <Badge value={r.State} />
                  </td>
                  <td>{r.Description ?? ''}</td>
                  <td className="row-actions">
                    <button className="secondary" onClick={() => setState(r)} disabled={toggle.busy}>
                      {r.State === 'DISABLED' ? 'Enable' : 'Disable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <RuleForm bus={bus} onDone={reload} />
      <div className="columns">
        <PutEventsForm bus={bus} />
        <TestPatternForm />
      </div>
    </>
  );
}

function RuleForm({ bus, onDone }: { bus: string; onDone: () => void }) {
  const scope = useScope();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'pattern' | 'schedule'>('pattern');
  const [pattern, setPattern] = useState('{\n  "source": ["my.app"]\n}');
  const [schedule, setSchedule] = useState('rate(5 minutes)');
  const [description, setDescription] = useState('');
  const [enabled, setEnabled] = useState(true);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.run(async () => {
      const n = name.trim();
      if (!n) invalid('A rule name is required.');
      if (!NAME.test(n)) invalid('A rule name has up to 64 letters, digits and . - _');
      const input: Record<string, unknown> = { Name: n, EventBusName: bus, State: enabled ? 'ENABLED' : 'DISABLED' };
      if (kind === 'pattern') {
        parseJson(pattern, 'The event pattern', 'object');
        input.EventPattern = pattern;
      } else {
        if (!/^(rate|cron)\(.+\)$/.test(schedule.trim())) invalid('A schedule is rate(…) or cron(…), e.g. rate(5 minutes).');
        input.ScheduleExpression = schedule.trim();
      }
      if (description) input.Description = description;
      await callAws(scope, 'events', 'PutRule', input);
      onDone();
      navigate(snsPath('buses', { bus, rule: n }));
    });
  };

  return (
    <Section title="Create a rule">
      <form className="stack" onSubmit={submit}>
        <div className="row">
          <label>
            Name
            <input aria-label="Rule name" value={name} onChange={(e) => setName(e.target.value)} placeholder="order-placed" />
          </label>
          <label>
            Kind
            <select aria-label="Rule kind" value={kind} onChange={(e) => setKind(e.target.value as 'pattern' | 'schedule')}>
              <option value="pattern">Event pattern</option>
              <option value="schedule">Schedule</option>
            </select>
          </label>
          <label className="grow">
            Description
            <input aria-label="Rule description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="optional" />
          </label>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
          </label>
        </div>
        {kind === 'pattern' ? (
          <label className="full">
            Event pattern
            <textarea aria-label="Event pattern" rows={5} value={pattern} onChange={(e) => setPattern(e.target.value)} spellCheck={false} />
          </label>
        ) : (
          <label>
            Schedule expression
            <input aria-label="Schedule expression" value={schedule} onChange={(e) => setSchedule(e.target.value)} size={30} />
          </label>
        )}
        <button type="submit" disabled={action.busy}>
          Create rule
        </button>
      </form>
      <ErrorBanner error={action.error} />
    </Section>
  );
}

interface EntryDraft {
  source: string;
  detailType: string;
  detail: string;
  resources: string;
}

const blankEntry = (): EntryDraft => ({ source: 'my.app', detailType: 'Order Placed', detail: '{\n  "orderId": "o-1",\n  "amount": 42\n}', resources: '' });

function PutEventsForm({ bus }: { bus: string }) {
  const scope = useScope();
  const [entries, setEntries] = useState<EntryDraft[]>([blankEntry()]);
  const [result, setResult] = useState<{ sent: EntryDraft[]; FailedEntryCount: number; Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> }>();
  const action = useAction();
  const set = (i: number, patch: Partial<EntryDraft>) => setEntries(entries.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    action.run(async () => {
      if (entries.length > 10) invalid('PutEvents takes at most 10 entries.');
      const input = entries.map((x, i) => {
        const label = entries.length > 1 ? `Entry ${i + 1}: ` : '';
        if (!x.source.trim()) invalid(`${label}a source is required.`);
        if (!x.detailType.trim()) invalid(`${label}a detail type is required.`);
        parseJson(x.detail || '{}', `${label}the detail`, 'object');
        const resources = x.resources.split(',').map((s) => s.trim()).filter(Boolean);
        return { EventBusName: bus, Source: x.source.trim(), DetailType: x.detailType.trim(), Detail: x.detail || '{}', ...(resources.length ? { Resources: resources } : {}) };
      });
      const r = await callAws<{ FailedEntryCount: number; Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> }>(scope, 'events', 'PutEvents', { Entries: input });
      setResult({ ...r, sent: entries });
    });
  };

  return (
    <Section title={`Put events on ${bus}`}>
      <form className="stack" onSubmit={submit}>
        {entries.map((x, i) => (
          <fieldset key={i} className="entry">
            <legend>
              Entry {i + 1}
              {entries.length > 1 ? (
                <button type="button" className="link" onClick={() => setEntries(entries.filter((_, j) => j !== i))}>
                  remove
                </button>
              ) : null}
            </legend>
            <div className="row">
              <label>
                Source
                <input aria-label={`Entry ${i + 1} source`} value={x.source} onChange={(e) => set(i, { source: e.target.value })} />
              </label>
              <label className="grow">
                Detail type
                <input aria-label={`Entry ${i + 1} detail type`} value={x.detailType} onChange={(e) => set(i, { detailType: e.target.value })} />
              </label>
            </div>
            <label className="full">
              Detail (JSON)
              <textarea aria-label={`Entry ${i + 1} detail`} rows={4} value={x.detail} onChange={(e) => set(i, { detail: e.target.value })} spellCheck={false} />
            </label>
            <label className="full">
              Resources (ARNs, comma-separated)
              <input aria-label={`Entry ${i + 1} resources`} value={x.resources} onChange={(e) => set(i, { resources: e.target.value })} placeholder="optional" />
            </label>
          </fieldset>
        ))}
        <div className="row">
          <button type="submit" disabled={action.busy}>
            Put {entries.length > 1 ? `${entries.length} events` : 'event'}
          </button>
          <button type="button" className="secondary" onClick={() => setEntries([...entries, blankEntry()])} disabled={entries.length >= 10}>
            Add entry
          </button>
        </div>
      </form>
      <ErrorBanner error={action.error} />
      {result ? (
        <>
          <p className={result.FailedEntryCount ? 'error' : 'notice'}>
            {result.Entries.length - result.FailedEntryCount} of {result.Entries.length} accepted
            {result.FailedEntryCount ? `, ${result.FailedEntryCount} failed` : ''}.
          </p>
          <table aria-label="PutEvents results">
            <thead>
              <tr>
                <th>#</th>
                <th>Source · detail type</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {result.Entries.map((r, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td>
                    {result.sent[i]?.source} · {result.sent[i]?.detailType}
                  </td>
                  <td>
                    {r.EventId ? (
                      <>
                        <Badge value="ok" /> event id <code>{r.EventId}</code>
                      </>
                    ) : (
                      <>
                        <Badge value="failed" /> <strong>{r.ErrorCode}</strong>: {r.ErrorMessage}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </Section>
  );
}

function sampleEvent(scope: { account: string; region: string }): string {
  return JSON.stringify(
    {
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'Order Placed',
      source: 'my.app',
      account: scope.account,
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      region: scope.region,
      resources: [],
      detail: { orderId: 'o-1', amount: 42 },
    },
    null,
    2,
  );
}

export function TestPatternForm({ initialPattern }: { initialPattern?: string }) {
  const scope = useScope();
  const [pattern, setPattern] = useState(initialPattern ?? '{\n  "source": ["my.app"],\n  "detail": { "amount": [{ "numeric": [">", 10] }] }\n}');
  const [event, setEvent] = useState(() => sampleEvent(scope));
  const [result, setResult] = useState<boolean>();
  const action = useAction();
  useEffect(() => {
    if (initialPattern) setPattern(initialPattern);
  }, [initialPattern]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    action.run(async () => {
      parseJson(pattern, 'The event pattern', 'object');
      parseJson(event, 'The event', 'object');
      const r = await callAws<{ Result: boolean }>(scope, 'events', 'TestEventPattern', { EventPattern: pattern, Event: event });
      setResult(r.Result);
    });
  };

  return (
    <Section title="Test a pattern against an event">
      <form className="stack" onSubmit={submit}>
        <label className="full">
          Event pattern
          <textarea aria-label="Pattern to test" rows={5} value={pattern} onChange={(e) => setPattern(e.target.value)} spellCheck={false} />
        </label>
        <label className="full">
          Event
          <textarea aria-label="Event to test" rows={12} value={event} onChange={(e) => setEvent(e.target.value)} spellCheck={false} />
        </label>
        <button type="submit" disabled={action.busy}>
          Test pattern
        </button>
      </form>
      <ErrorBanner error={action.error} />
      {result === undefined ? null : (
        <p className={result ? 'notice' : 'error'} role="status">
          {result ? 'The pattern matches this event.' : 'The pattern does not match this event.'}
        </p>
      )}
    </Section>
  );
}

export function RuleView({ bus, name }: { bus: string; name: string }) {
  const scope = useScope();
  const [rule, ruleError, reloadRule] = useLoad(() => callAws<Rule>(scope, 'events', 'DescribeRule', { Name: name, EventBusName: bus }), [bus, name, scope.account, scope.region]);
  const [targets, targetsError, reloadTargets] = useLoad(
    () => callAws<{ Targets?: Target[] }>(scope, 'events', 'ListTargetsByRule', { Rule: name, EventBusName: bus }).then((r) => r.Targets ?? []),
    [bus, name, scope.account, scope.region],
  );
  const action = useAction();

  const toggle = () =>
    action.run(async () => {
      await callAws(scope, 'events', rule?.State === 'DISABLED' ? 'EnableRule' : 'DisableRule', { Name: name, EventBusName: bus });
      reloadRule();
    });
  const del = () => {
    if (!window.confirm(`Delete rule ${name}?`)) return;
    action.run(async () => {
      await callAws(scope, 'events', 'DeleteRule', { Name: name, EventBusName: bus });
      navigate(snsPath('buses', { bus }));
    });
  };
  const removeTarget = (id: string) =>
    action.run(async () => {
      const r = await callAws<{ FailedEntryCount: number; FailedEntries?: Array<{ ErrorCode: string; ErrorMessage: string }> }>(scope, 'events', 'RemoveTargets', {
        Rule: name,
        EventBusName: bus,
        Ids: [id],
      });
      if (r.FailedEntryCount) invalid(`${r.FailedEntries?.[0]?.ErrorCode}: ${r.FailedEntries?.[0]?.ErrorMessage}`);
      reloadTargets();
    });

  return (
    <>
      <p className="breadcrumbs">
        <Link to={snsPath('buses')}>Event buses</Link> › <Link to={snsPath('buses', { bus })}>{bus}</Link> › <strong>{name}</strong>
      </p>
      <ErrorBanner error={ruleError} />
      {rule ? (
        <>
          <Facts
            rows={[
              ['ARN', <code>{rule.Arn}</code>],
              ['State', <Badge value={rule.State} />],
              ['Schedule', rule.ScheduleExpression ? <code>{rule.ScheduleExpression}</code> : undefined],
              ['Description', rule.Description],
              ['Managed by', rule.ManagedBy],
              ['Event pattern', rule.EventPattern ? <Pretty text={rule.EventPattern} /> : undefined],
            ]}
          />
          <div className="toolbar">
            <button className="secondary" onClick={toggle} disabled={action.busy}>
              {rule.State === 'DISABLED' ? 'Enable rule' : 'Disable rule'}
            </button>
            <button className="danger" onClick={del} disabled={action.busy}>
              Delete rule
            </button>
          </div>
        </>
      ) : null}
      <ErrorBanner error={action.error} />
      <Section title="Targets" actions={<button className="secondary" onClick={reloadTargets}>Refresh</button>}>
        <ErrorBanner error={targetsError} />
        {targets && targets.length === 0 ? <p className="muted">No targets: matching events go nowhere.</p> : null}
        {targets?.length ? (
          <table>
            <thead>
              <tr>
                <th>Id</th>
                <th>Target ARN</th>
                <th>Input</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {targets.map((t) => (
                <tr key={t.Id}>
                  <td>{t.Id}</td>
                  <td>
                    <code>{t.Arn}</code>
                  </td>
                  <td>
                    {t.Input ? <code className="clip">Input: {t.Input}</code> : t.InputPath ? <code>InputPath: {t.InputPath}</code> : t.InputTransformer ? 'InputTransformer' : <span className="muted">the event</span>}
                  </td>
                  <td className="row-actions">
                    <button className="danger" onClick={() => removeTarget(t.Id)}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <AddTargetForm bus={bus} rule={name} onDone={reloadTargets} />
      </Section>
      <MatchHistory bus={bus} name={name} />
      {rule ? <FireRule bus={bus} rule={rule} /> : null}
      {rule?.EventPattern ? <TestPatternForm initialPattern={rule.EventPattern} /> : null}
    </>
  );
}

function AddTargetForm({ bus, rule, onDone }: { bus: string; rule: string; onDone: () => void }) {
  const scope = useScope();
  const [id, setId] = useState('');
  const [arn, setArn] = useState('');
  const [input, setInput] = useState('');
  const action = useAction();
  const suggestions = useArnSuggestions(scope, ['sqs', 'sns', 'lambda']);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.run(async () => {
      if (!id.trim()) invalid('A target id is required.');
      if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(id.trim())) invalid('A target id has up to 64 letters, digits and . - _');
      if (!/^arn:aws[\w-]*:[\w-]+:/.test(arn.trim())) invalid('The target must be an ARN (a queue, topic, function, bus…).');
      const target: Record<string, unknown> = { Id: id.trim(), Arn: arn.trim() };
      if (input.trim()) {
        parseJson(input, 'The constant input');
        target.Input = input.trim();
      }
      const r = await callAws<{ FailedEntryCount: number; FailedEntries?: Array<{ ErrorCode: string; ErrorMessage: string }> }>(scope, 'events', 'PutTargets', {
        Rule: rule,
        EventBusName: bus,
        Targets: [target],
      });
      if (r.FailedEntryCount) invalid(`${r.FailedEntries?.[0]?.ErrorCode}: ${r.FailedEntries?.[0]?.ErrorMessage}`);
      setId('');
      setArn('');
      setInput('');
      onDone();
    });
  };

  return (
    <>
      <h3>Add a target</h3>
      <form className="inline" onSubmit={submit}>
        <label>
          Id
          <input aria-label="Target id" value={id} onChange={(e) => setId(e.target.value)} placeholder="queue" size={12} />
        </label>
        <label className="grow">
          ARN
          <input aria-label="Target ARN" list="events-targets" value={arn} onChange={(e) => setArn(e.target.value)} placeholder="arn:aws:sqs:us-east-1:000000000000:my-queue" />
        </label>
        <Suggestions id="events-targets" values={suggestions} />
        <label className="grow">
          Constant input (JSON, optional)
          <input aria-label="Target input" value={input} onChange={(e) => setInput(e.target.value)} placeholder="the matched event when empty" />
        </label>
        <button type="submit" disabled={action.busy}>
          Add target
        </button>
      </form>
      <ErrorBanner error={action.error} />
    </>
  );
}

function FireRule({ bus, rule }: { bus: string; rule: Rule }) {
  const scope = useScope();
  const scheduled = !!rule.ScheduleExpression;
  const [event, setEvent] = useState('{\n  "source": "my.app",\n  "detail-type": "Order Placed",\n  "detail": { "orderId": "o-1" }\n}');
  const [fired, setFired] = useState<unknown>();
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFired(undefined);
    action.run(async () => {
      const body = scheduled ? {} : { event: parseJson(event, 'The event', 'object') };
      const r = await api<{ event: unknown }>(`/_fogbank/events/rules/${encodeURIComponent(rule.Name)}/fire?${scopeQuery(scope, { bus })}`, { method: 'POST', body });
      setFired(r.event);
    });
  };
  return (
    <Section title="Fire this rule now">
      <form className="stack" onSubmit={submit}>
        {scheduled ? (
          <p className="muted">Sends the rule's Scheduled Event to its targets now, outside its schedule.</p>
        ) : (
          <label className="full">
            Event to send to the rule's targets (missing fields are filled in; the pattern is not checked)
            <textarea aria-label="Event to fire" rows={5} value={event} onChange={(e) => setEvent(e.target.value)} spellCheck={false} />
          </label>
        )}
        <button type="submit" disabled={action.busy}>
          Fire now
        </button>
      </form>
      <ErrorBanner error={action.error} />
      {fired ? (
        <details className="notice" open>
          <summary>Fired — the event sent</summary>
          <Pretty text={JSON.stringify(fired)} />
        </details>
      ) : null}
    </Section>
  );
}

function MatchHistory({ bus, name }: { bus: string; name: string }) {
  const scope = useScope();
  const [matches, setMatches] = useState<Match[]>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      api<{ matches: Match[] }>(`/_fogbank/events/rules/${encodeURIComponent(name)}/matches?${scopeQuery(scope, { bus, limit: '50' })}`).then(
        (r) => live && (setMatches(r.matches.slice().reverse()), setError(undefined)),
        (e) => live && setError(e),
      );
    load();
    const timer = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [bus, name, scope.account, scope.region, tick]);

  return (
    <Section title="Match history" actions={<button className="secondary" onClick={() => setTick(tick + 1)}>Refresh</button>}>
      <ErrorBanner error={error} />
      {matches && matches.length === 0 ? <p className="muted">No event has matched this rule yet.</p> : null}
      {matches?.length ? (
        <table aria-label="Match history">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Target</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {matches.map((m) => (
              <tr key={m.id}>
                <td>
                  <When at={m.time} />
                </td>
                <td className="payload">
                  <details>
                    <summary>
                      {String(m.event.source ?? '')} · {String(m.event['detail-type'] ?? '')} <code className="muted">{m.event_id.slice(0, 8)}</code>
                    </summary>
                    <Pretty text={JSON.stringify(m.event)} />
                  </details>
                </td>
                <td>{m.target_id ?? <span className="muted">none</span>}</td>
                <td>
                  <Badge value={m.status} />
                </td>
                <td className="num">{m.attempts}</td>
                <td>{m.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="muted small">Newest first; refreshes every 2 seconds.</p>
    </Section>
  );
}
