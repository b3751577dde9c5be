// Out-of-band routes: a rule's match history (which events matched, what became of each target
// invocation) and "fire this rule now" (a scheduled rule's Scheduled Event, or a given event).
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../../core/errors.ts';
import type { AdminRoute } from '../../../core/service.ts';
import type { Events } from './state.ts';
import type { RuleData } from './store.ts';
import { isoSeconds, type Event } from './engine.ts';

async function ruleOf(events: Events, params: Record<string, string>, query: URLSearchParams) {
  const account = query.get('account') ?? '000000000000';
  const region = query.get('region') ?? 'us-east-1';
  const bus = query.get('bus') ?? 'default';
  const rule = await events.store.get<RuleData>('rule', account, region, `${bus}/${decodeURIComponent(params.rule)}`);
  if (!rule) throw new ServiceError('NotFound', `Rule ${params.rule} does not exist on EventBus ${bus} (account ${account}, region ${region}).`, 404);
  return rule;
}

export const eventsAdmin: AdminRoute<Events>[] = [
  {
    // ?ruleArn=…&limit=…, or /_fogbank/events/rules/<name>/matches?bus=…&account=…&region=…
    method: 'GET',
    path: /^\/_fogbank\/events\/matches$/,
    async handle(req, events) {
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100) || 100, 1), 1000);
      return { matches: await events.store.matches(req.query.get('ruleArn') ?? undefined, limit) };
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/events\/rules\/(?<rule>[^/]+)\/matches$/,
    async handle(req, events) {
      const rule = await ruleOf(events, req.params, req.query);
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100) || 100, 1), 1000);
      return { ruleArn: rule.arn, matches: await events.store.matches(rule.arn, limit) };
    },
  },
  {
    // Body: {} for a scheduled rule's Scheduled Event, or {"event": {...}} to send that event to the rule's targets.
    method: 'POST',
    path: /^\/_fogbank\/events\/rules\/(?<rule>[^/]+)\/fire$/,
    async handle(req, events, env) {
      const rule = await ruleOf(events, req.params, req.query);
      let event: Event | undefined;
      if (req.body.event && typeof req.body.event === 'object') {
        const given = req.body.event as Record<string, unknown>;
        event = {
          version: '0', id: randomUUID(), 'detail-type': 'Fogbank Test Event', source: 'fogbank.admin', account: rule.account,
          time: isoSeconds(env.clock.now()), region: rule.region, resources: [], detail: {}, ...given,
        } as Event;
      }
      const fired = await events.engine.fireRule(rule, event);
      return { ruleArn: rule.arn, event: fired };
    },
  },
];
