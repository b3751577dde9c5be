// AWS schedule expressions, shared by EventBridge rules and EventBridge Scheduler: rate(), cron()
// (AWS's six-field form with ? L W #) and Scheduler's at(), evaluated in UTC or an IANA time zone.

export type ScheduleExpression =
  | { kind: 'rate'; ms: number }
  | { kind: 'cron'; cron: Cron }
  | { kind: 'at'; fields: [number, number, number, number, number, number] };

interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  years?: Set<number>;
  /** Day of month: a set, or L (last day, with an offset), or nW (nearest weekday), or LW. */
  dom?: { days?: Set<number>; last?: number; weekday?: number; lastWeekday?: boolean };
  /** Day of week (1 = Sunday): a set, or nL (last such weekday of the month), or n#k (k-th). */
  dow?: { days?: Set<number>; last?: number; nth?: { day: number; k: number } };
}

export class ScheduleExpressionError extends Error {}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function fail(): never {
  throw new ScheduleExpressionError('invalid schedule expression');
}

export function parseScheduleExpression(text: string, allowAt = false): ScheduleExpression {
  const s = text.trim();
  let m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(s);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2];
    if (n < 1 || (n === 1) !== !unit.endsWith('s')) fail();
    const per = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
    return { kind: 'rate', ms: n * per };
  }
  m = /^cron\((.*)\)$/.exec(s);
  if (m) return { kind: 'cron', cron: parseCron(m[1]) };
  m = /^at\((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\)$/.exec(s);
  if (m && allowAt) {
    const f = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59) fail();
    return { kind: 'at', fields: f };
  }
  return fail();
}

function parseCron(body: string): Cron {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) fail();
  const [min, hour, dom, month, dow, year] = parts;
  if ((dom === '?') === (dow === '?')) fail(); // exactly one of the two day fields is '?'
  const cron: Cron = {
    minutes: field(min, 0, 59),
    hours: field(hour, 0, 23),
    months: field(month, 1, 12, MONTHS),
  };
  if (year !== '*') cron.years = field(year, 1970, 2199);
  if (dom !== '?') cron.dom = parseDom(dom);
  if (dow !== '?') cron.dow = parseDow(dow);
  return cron;
}

function field(text: string, lo: number, hi: number, names?: string[]): Set<number> {
  const out = new Set<number>();
  const value = (v: string) => {
    const i = names?.indexOf(v.toUpperCase()) ?? -1;
    const n = i >= 0 ? i + lo : /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= lo && n <= hi)) fail();
    return n;
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail();
    let a: number;
    let b: number;
    if (range === '*') [a, b] = [lo, hi];
    else if (range.includes('-')) {
      const [x, y] = range.split('-');
      [a, b] = [value(x), value(y)];
    } else {
      a = value(range);
      b = stepText === undefined ? a : hi;
    }
    if (a > b) {
      // A wrapping range (e.g. NOV-FEB).
      for (let v = a; v <= hi; v += step) out.add(v);
      for (let v = lo + ((step - ((hi - a + 1) % step)) % step); v <= b; v += step) out.add(v);
    } else for (let v = a; v <= b; v += step) out.add(v);
  }
  return out;
}

function parseDom(text: string): Cron['dom'] {
  if (text === 'L') return { last: 0 };
  if (text === 'LW') return { lastWeekday: true };
  let m = /^L-(\d+)$/.exec(text);
  if (m) return { last: Number(m[1]) };
  m = /^(\d+)W$/.exec(text);
  if (m) {
    const d = Number(m[1]);
    if (d < 1 || d > 31) fail();
    return { weekday: d };
  }
  return { days: field(text, 1, 31) };
}

function parseDow(text: string): Cron['dow'] {
  const day = (v: string) => {
    const i = DAYS.indexOf(v.toUpperCase());
    const n = i >= 0 ? i + 1 : /^\d$/.test(v) ? Number(v) : NaN;
    if (!(n >= 1 && n <= 7)) fail();
    return n;
  };
  if (text === 'L') return { days: new Set([7]) };
  let m = /^(\w+)L$/.exec(text);
  if (m) return { last: day(m[1]) };
  m = /^(\w+)#(\d)$/.exec(text);
  if (m) {
    const k = Number(m[2]);
    if (k < 1 || k > 5) fail();
    return { nth: { day: day(m[1]), k } };
  }
  return { days: field(text, 1, 7, DAYS) };
}

// ── Evaluation ───────────────────────────────────────────────────────────────────────────────────

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws ScheduleExpressionError for a time zone the platform does not know. */
export function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ScheduleExpressionError(`invalid time zone ${zone}`);
  }
}

/** Offset of `zone` from UTC at `instant`, in ms. */
function offsetAt(instant: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall-clock time (y, mo 1-based, d, h, mi, s) occurs in `zone`. */
export function wallTimeToInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const t1 = wall - offsetAt(wall, zone);
  const t2 = wall - offsetAt(t1, zone);
  if (t2 + offsetAt(t2, zone) === wall) return t2;
  if (t1 + offsetAt(t1, zone) === wall) return t1;
  // A wall time skipped by a daylight-saving change happens as the clocks jump: shifted forward.
  return Math.max(t1, t2);
}

function wallFields(instant: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const w = new Date(instant + offsetAt(instant, zone));
  return { y: w.getUTCFullYear(), mo: w.getUTCMonth() + 1, d: w.getUTCDate(), h: w.getUTCHours(), mi: w.getUTCMinutes() };
}

function daysIn(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function dayMatches(c: Cron, y: number, mo: number, d: number): boolean {
  const n = daysIn(y, mo);
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay() + 1; // 1 = Sunday
  if (c.dom) {
    const dom = c.dom;
    if (dom.days) return dom.days.has(d);
    if (dom.last !== undefined) return d === n - dom.last;
    if (dom.lastWeekday) {
      let last = n;
      while ([1, 7].includes(new Date(Date.UTC(y, mo - 1, last)).getUTCDay() + 1)) last--;
      return d === last;
    }
    if (dom.weekday !== undefined) {
      const target = Math.min(dom.weekday, n);
      const wd = new Date(Date.UTC(y, mo - 1, target)).getUTCDay() + 1;
      let nearest = target;
      if (wd === 7) nearest = target === 1 ? target + 2 : target - 1;
      else if (wd === 1) nearest = target === n ? target - 2 : target + 1;
      return d === nearest;
    }
  }
  if (c.dow) {
    const dow = c.dow;
    if (dow.days) return dow.days.has(weekday);
    if (dow.last !== undefined) return weekday === dow.last && d + 7 > n;
    if (dow.nth) return weekday === dow.nth.day && Math.ceil(d / 7) === dow.nth.k;
  }
  return false;
}

/**
 * The first time strictly after `after` (epoch ms) at which the schedule fires, in `zone`
 * (default UTC); undefined when it never fires again. Rates count from `base`.
 */
export function nextFireTime(expr: ScheduleExpression, after: number, zone = 'UTC', base = after): number | undefined {
  if (expr.kind === 'rate') {
    const k = Math.floor((after - base) / expr.ms) + 1;
    return base + Math.max(1, k) * expr.ms;
  }
  if (expr.kind === 'at') {
    const [y, mo, d, h, mi, s] = expr.fields;
    const t = wallTimeToInstant(y, mo, d, h, mi, s, zone);
    return t > after ? t : undefined;
  }
  const c = expr.cron;
  const start = wallFields(after, zone);
  const minutes = [...c.minutes].sort((a, b) => a - b);
  const hours = [...c.hours].sort((a, b) => a - b);
  // Walk days in wall-clock time; within a matching day, the first hour:minute after `after`.
  let y = start.y;
  let mo = start.mo;
  let d = start.d;
  for (let i = 0; i < 366 * 8; i++) {
    if (c.years && y > Math.max(...c.years)) return undefined;
    if ((!c.years || c.years.has(y)) && c.months.has(mo) && dayMatches(c, y, mo, d)) {
      for (const h of hours) {
        for (const mi of minutes) {
          const t = wallTimeToInstant(y, mo, d, h, mi, 0, zone);
          if (t > after) return t;
        }
      }
    }
    d++;
    if (d > daysIn(y, mo)) {
      d = 1;
      mo++;
      if (mo > 12) {
        mo = 1;
        y++;
      }
    }
  }
  return undefined;
}
