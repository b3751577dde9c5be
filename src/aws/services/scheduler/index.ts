// Amazon EventBridge Scheduler: schedule groups and schedules (at/rate/cron with time zones, start
// and end dates, flexible windows) invoking templated and universal targets with retries and DLQs.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { AdminRoute } from '../../../core/service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { SchedulerHandlers } from './generated/types.ts';
import { Scheduler } from './state.ts';
import * as schedules from './operations/schedules.ts';
import * as groups from './operations/groups.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

const admin: AdminRoute<Scheduler>[] = [
  {
    // ?account=…&region=…&group=… ; invokes the schedule's target now, outside its timetable.
    method: 'POST',
    path: /^\/_fogbank\/scheduler\/schedules\/(?<name>[^/]+)\/fire$/,
    async handle(req, scheduler) {
      const row = await scheduler.store.schedule(req.query.get('account') ?? '000000000000', req.query.get('region') ?? 'us-east-1', req.query.get('group') ?? 'default', decodeURIComponent(req.params.name));
      if (!row) throw new ServiceError('NotFound', `Schedule ${req.params.name} does not exist.`, 404);
      return { scheduleArn: row.arn, executionId: await scheduler.engine.fireNow(row) };
    },
  },
  {
    // ?scheduleArn=…&limit=… — invocations, newest last, and when each schedule fires next.
    method: 'GET',
    path: /^\/_fogbank\/scheduler\/invocations$/,
    async handle(req, scheduler) {
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100) || 100, 1), 1000);
      const arn = req.query.get('scheduleArn');
      const rows = await scheduler.store.invocations(limit, arn);
      return { invocations: rows.reverse() };
    },
  },
];

export default defineService<SchedulerHandlers, Scheduler>({
  name: 'scheduler',
  model,
  state: (env) => new Scheduler(env),
  start: (_env, scheduler) => scheduler.engine.start(),
  handlers: {
    CreateSchedule: schedules.createSchedule,
    UpdateSchedule: schedules.updateSchedule,
    GetSchedule: schedules.getSchedule,
    DeleteSchedule: schedules.deleteSchedule,
    ListSchedules: schedules.listSchedules,
    CreateScheduleGroup: groups.createScheduleGroup,
    GetScheduleGroup: groups.getScheduleGroup,
    DeleteScheduleGroup: groups.deleteScheduleGroup,
    ListScheduleGroups: groups.listScheduleGroups,
    TagResource: groups.tagResource,
    UntagResource: groups.untagResource,
    ListTagsForResource: groups.listTagsForResource,
  },
  admin,
});
