// Amazon EventBridge: default and custom buses, rules with the full event pattern language and
// schedules, targets (SQS, SNS, Lambda, buses, log groups, API destinations) with input
// transformation, retries and dead-letter queues, archives and replays, connections and tags.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { EventsHandlers } from './generated/types.ts';
import { Events } from './state.ts';
import { eventsAdmin } from './admin.ts';
import * as buses from './operations/buses.ts';
import * as rules from './operations/rules.ts';
import * as archives from './operations/archives.ts';
import * as connections from './operations/connections.ts';
import * as tags from './operations/tags.ts';
import { acceptDelivery, putEvents } from './operations/put-events.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<EventsHandlers, Events>({
  name: 'events',
  model,
  state: (env) => new Events(env),
  start: (_env, events) => events.engine.start(),
  handlers: {
    CreateEventBus: buses.createEventBus,
    UpdateEventBus: buses.updateEventBus,
    DeleteEventBus: buses.deleteEventBus,
    DescribeEventBus: buses.describeEventBus,
    ListEventBuses: buses.listEventBuses,
    PutPermission: buses.putPermission,
    RemovePermission: buses.removePermission,
    PutRule: rules.putRule,
    DeleteRule: rules.deleteRule,
    DescribeRule: rules.describeRule,
    EnableRule: rules.enableRule,
    DisableRule: rules.disableRule,
    ListRules: rules.listRules,
    ListRuleNamesByTarget: rules.listRuleNamesByTarget,
    PutTargets: rules.putTargets,
    RemoveTargets: rules.removeTargets,
    ListTargetsByRule: rules.listTargetsByRule,
    TestEventPattern: rules.testEventPattern,
    PutEvents: putEvents,
    CreateArchive: archives.createArchive,
    DescribeArchive: archives.describeArchive,
    UpdateArchive: archives.updateArchive,
    DeleteArchive: archives.deleteArchive,
    ListArchives: archives.listArchives,
    StartReplay: archives.startReplay,
    DescribeReplay: archives.describeReplay,
    CancelReplay: archives.cancelReplay,
    ListReplays: archives.listReplays,
    CreateConnection: connections.createConnection,
    DescribeConnection: connections.describeConnection,
    UpdateConnection: connections.updateConnection,
    DeauthorizeConnection: connections.deauthorizeConnection,
    DeleteConnection: connections.deleteConnection,
    ListConnections: connections.listConnections,
    CreateApiDestination: connections.createApiDestination,
    DescribeApiDestination: connections.describeApiDestination,
    UpdateApiDestination: connections.updateApiDestination,
    DeleteApiDestination: connections.deleteApiDestination,
    ListApiDestinations: connections.listApiDestinations,
    TagResource: tags.tagResource,
    UntagResource: tags.untagResource,
    ListTagsForResource: tags.listTagsForResource,
  },
  /**
   * A delivery to an event bus ARN puts an event on it. The body is a PutEvents entry as JSON
   * ({Source, DetailType, Detail, Resources?, Time?}; Detail a JSON string or object; AWS sources such
   * as aws.s3 allowed) or a whole event from another bus ({version, id, detail-type, source, ...}).
   */
  async deliver(delivery, ctx) {
    if (!/^arn:[^:]+:events:[^:]+:\d{12}:event-bus\/.+$/.test(delivery.target)) {
      throw new ServiceError('InvalidTarget', `EventBridge accepts deliveries to event buses only, not ${delivery.target}`, 400);
    }
    return { id: await acceptDelivery(ctx.state, delivery.target, delivery.body, ctx.clock.now()) };
  },
  admin: eventsAdmin,
});
