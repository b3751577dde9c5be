// A service declares a resource once — its kind, id format, ARN template, parent, scope, states and
// filterable fields — and gets create/get/list/update/delete/tag helpers to bind to its operations or
// wrap. Rows live in the engine's `resources` table (store.ts), scoped by account and region (or
// project and location); listing pages with the engine's tokens; tags follow the service's rules.
import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import { arnTemplate } from './arn.ts';
import { applyFilters, type Filter, type FilterFields } from './filters.ts';
import { newId, type IdFormat } from './ids.ts';
import { pageTokens, type TokenContext } from './page-token.ts';
import { scopeKey, scopeOf, scopeSql, type ScopeKind } from './scope.ts';
import { StateTimers, canTransition, InvalidTransition, type StateMachine } from './states.ts';
import { applyTags, removeTags, type TagMap, type TagRules } from './tags.ts';
import { engineStore } from './store.ts';

export interface Resource<D, S extends string = string> {
  kind: string;
  /** Account (or project) and region (or location; '' for account-global resources). */
  owner: string;
  place: string;
  id: string;
  arn: string;
  parent?: string;
  state?: S;
  data: D;
  tags: TagMap;
  created: number;
  modified: number;
}

export interface ResourceDefinition<D, S extends string = string> {
  service: string;
  kind: string;
  scope: ScopeKind;
  id: IdFormat;
  /** The ARN's resource part, with `{id}` and `{parent}` placeholders: `vpc/{id}`, `table/{id}`. */
  arn: string;
  /** The kind of the parent resource, for nested ones (a subnet's VPC). */
  parent?: string;
  states?: StateMachine<S>;
  /** Filter names (EC2 `Filter.N`) and where each reads its value. */
  filters?: FilterFields<Resource<D, S>>;
  /** The service's own errors. */
  errors: {
    notFound: (id: string) => Error;
    alreadyExists?: (id: string) => Error;
    invalidToken: (token: string) => Error;
    invalidFilter?: (name: string) => Error;
    invalidState?: (id: string, from: string, to: string) => Error;
  };
  tags?: TagRules;
}

/** What the helpers need from a request (a handler's ctx satisfies it). */
export interface ResourceContext extends TokenContext {
  env: { store: Store };
  clock: Clock;
}

interface Row {
  kind: string;
  owner: string;
  place: string;
  id: string;
  arn: string;
  parent: string | null;
  state: string | null;
  data: string;
  tags: string;
  created: number;
  modified: number;
}

export interface ListOptions {
  parent?: string;
  filters?: Filter[];
  /** Only these ids (EC2's `VpcId.N`); unknown ones get notFound. */
  ids?: string[];
  maxResults?: number;
  nextToken?: string;
}

// Every kind shares one table: rows are scoped by kind, then owner and place.
const IN_SCOPE = `kind = ? AND ${scopeSql('regional', { owner: 'owner', place: 'place' })}`;

export function defineResource<D, S extends string = string>(def: ResourceDefinition<D, S>) {
  const arns = arnTemplate<'id' | 'parent'>(def.service, def.arn, { global: def.scope === 'global' });
  const tokens = pageTokens<string>({ invalid: def.errors.invalidToken, parse: (p) => (typeof p === 'string' ? p : undefined) });
  const decode = (row: Row): Resource<D, S> => ({
    kind: row.kind, owner: row.owner, place: row.place, id: row.id, arn: row.arn,
    ...(row.parent !== null ? { parent: row.parent } : {}),
    ...(row.state !== null ? { state: row.state as S } : {}),
    data: JSON.parse(row.data) as D, tags: JSON.parse(row.tags) as TagMap, created: row.created, modified: row.modified,
  });
  const where = (ctx: ResourceContext) => scopeKey(scopeOf(def.scope, ctx));

  async function find(ctx: ResourceContext, id: string): Promise<Resource<D, S> | undefined> {
    const [owner, place] = where(ctx);
    const row = await engineStore(ctx.env.store).get<Row>(`SELECT * FROM resources WHERE ${IN_SCOPE} AND id = ?`, def.kind, owner, place, id);
    return row && decode(row);
  }

  async function get(ctx: ResourceContext, id: string): Promise<Resource<D, S>> {
    const r = await find(ctx, id);
    if (!r) throw def.errors.notFound(id);
    return r;
  }

  async function save(ctx: ResourceContext, r: Resource<D, S>): Promise<Resource<D, S>> {
    await engineStore(ctx.env.store).run(
      'INSERT INTO resources (kind, owner, place, id, arn, parent, state, data, tags, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (kind, owner, place, id) DO UPDATE SET parent = excluded.parent, state = excluded.state, data = excluded.data, tags = excluded.tags, modified = excluded.modified',
      r.kind, r.owner, r.place, r.id, r.arn, r.parent ?? null, r.state ?? null, JSON.stringify(r.data), JSON.stringify(r.tags), r.created, r.modified,
    );
    return r;
  }

  const helpers = {
    definition: def,
    arn: arns,
    find,
    get,
    /** Creates a resource; `name` is its id for name-keyed resources (id format 'name'). */
    async create(ctx: ResourceContext, input: { data: D; name?: string; parent?: string; tags?: TagMap; state?: S }): Promise<Resource<D, S>> {
      const id = newId(def.id, input.name);
      if (await find(ctx, id)) throw (def.errors.alreadyExists ?? def.errors.notFound)(id);
      const [owner, place] = where(ctx);
      const tags = def.tags ? applyTags({}, input.tags ?? {}, def.tags) : { ...(input.tags ?? {}) };
      const now = ctx.clock.now();
      const arn = arns.build({ account: owner, region: place }, { id, parent: input.parent ?? '' });
      const state = input.state ?? def.states?.initial;
      return await save(ctx, {
        kind: def.kind, owner, place, id, arn, ...(input.parent !== undefined ? { parent: input.parent } : {}),
        ...(state !== undefined ? { state } : {}), data: input.data, tags, created: now, modified: now,
      });
    },
    /** Replaces the data with what `change` makes of it. */
    async update(ctx: ResourceContext, id: string, change: (data: D) => D): Promise<Resource<D, S>> {
      const r = await get(ctx, id);
      return await save(ctx, { ...r, data: change(r.data), modified: ctx.clock.now() });
    },
    /** Moves a resource to another state, as its state machine allows. */
    async setState(ctx: ResourceContext, id: string, state: S): Promise<Resource<D, S>> {
      const r = await get(ctx, id);
      if (def.states && r.state !== undefined && !canTransition(def.states, r.state, state)) {
        throw def.errors.invalidState?.(id, r.state, state) ?? new InvalidTransition(r.state, state);
      }
      return await save(ctx, { ...r, state, modified: ctx.clock.now() });
    },
    async delete(ctx: ResourceContext, id: string): Promise<Resource<D, S>> {
      const r = await get(ctx, id);
      await engineStore(ctx.env.store).run(`DELETE FROM resources WHERE ${IN_SCOPE} AND id = ?`, def.kind, r.owner, r.place, id);
      return r;
    },
    /** One page of the scope's resources (of one parent), ordered by id, filtered. */
    async list(ctx: ResourceContext, options: ListOptions = {}): Promise<{ items: Array<Resource<D, S>>; nextToken?: string }> {
      const [owner, place] = where(ctx);
      const after = (await tokens.read(ctx, options.nextToken)) ?? '';
      const rows = options.parent === undefined
        ? await engineStore(ctx.env.store).all<Row>(`SELECT * FROM resources WHERE ${IN_SCOPE} AND id > ? ORDER BY id`, def.kind, owner, place, after)
        : await engineStore(ctx.env.store).all<Row>(`SELECT * FROM resources WHERE ${IN_SCOPE} AND parent = ? AND id > ? ORDER BY id`, def.kind, owner, place, options.parent, after);
      let items = rows.map(decode);
      if (options.ids?.length) {
        const wanted = new Set(options.ids);
        for (const id of wanted) if (!after && !items.some((r) => r.id === id)) throw def.errors.notFound(id);
        items = items.filter((r) => wanted.has(r.id));
      }
      items = applyFilters(items, options.filters, def.filters ?? {}, {
        tags: (r) => r.tags,
        unknown: def.errors.invalidFilter ?? ((name) => new Error(`unknown filter ${name}`)),
      });
      const max = options.maxResults;
      if (max === undefined || items.length <= max) return { items };
      const page = items.slice(0, max);
      return { items: page, nextToken: await tokens.issue(ctx, page[page.length - 1].id) };
    },
    async tag(ctx: ResourceContext, id: string, tags: TagMap): Promise<Resource<D, S>> {
      const r = await get(ctx, id);
      const merged = def.tags ? applyTags(r.tags, tags, def.tags) : { ...r.tags, ...tags };
      return await save(ctx, { ...r, tags: merged, modified: ctx.clock.now() });
    },
    async untag(ctx: ResourceContext, id: string, keys: string[]): Promise<Resource<D, S>> {
      const r = await get(ctx, id);
      return await save(ctx, { ...r, tags: removeTags(r.tags, keys), modified: ctx.clock.now() });
    },
    /** The resource an ARN names, in any scope (for TagResource-by-ARN and deliveries). */
    async byArn(store: Store, arn: string): Promise<Resource<D, S> | undefined> {
      const row = await engineStore(store).get<Row>('SELECT * FROM resources WHERE arn = ? AND kind = ?', arn, def.kind);
      return row && decode(row);
    },
    /** Timed state transitions (creating → available) for this kind, on `clock`. */
    stateTimers(store: Store, clock: Clock, onEnter?: (arn: string, state: S) => void): StateTimers<S> {
      if (!def.states) throw new Error(`${def.kind} has no states`);
      const d = engineStore(store);
      return new StateTimers<S>({
        machine: def.states,
        clock,
        load: async (arn) => ((await d.get<{ state: string | null }>('SELECT state FROM resources WHERE arn = ?', arn))?.state ?? undefined) as S | undefined,
        store: async (arn, state) => void (await d.run('UPDATE resources SET state = ?, modified = ? WHERE arn = ?', state, clock.now(), arn)),
        onEnter,
      });
    },
  };
  return helpers;
}

export type ResourceHelpers<D, S extends string = string> = ReturnType<typeof defineResource<D, S>>;
