// Lambda's tables and statements; nothing else touches them. Configurations are kept as JSON documents
// of the members a user sets (the rest of FunctionConfiguration is derived when answering).
// Asynchronous, over the store port (src/core/store.ts): what writes more than one statement does it
// in one unit of work, and handlers whose reads decide a write run them in `atomically`.
import type { Store } from '../../../core/store.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

export interface FunctionRow {
  id: number;
  account: string;
  region: string;
  name: string;
  created_at: number;
  next_version: number;
  tags: string;
  reserved_concurrency: number | null;
  code_signing_config_arn: string | null;
  settings: string;
}

export interface VersionRow {
  function_id: number;
  version: string;
  config: string;
  code_sha256: string;
  code_size: number;
  code_blob: string | null;
  state: string;
  state_reason: string | null;
  state_reason_code: string | null;
  last_update_status: string;
  last_modified: number;
  revision_id: string;
}

export interface AliasRow {
  function_id: number;
  name: string;
  version: string;
  description: string;
  routing: string | null;
  revision_id: string;
}

export interface LayerRow {
  account: string;
  region: string;
  name: string;
  version: number;
  config: string;
  code_sha256: string;
  code_size: number;
  code_blob: string;
  created_at: number;
}

export interface UrlRow {
  function_id: number;
  qualifier: string;
  url_id: string;
  config: string;
  created_at: number;
  modified_at: number;
}

export interface MappingRow {
  uuid: string;
  account: string;
  region: string;
  function_arn: string;
  config: string;
  state: string;
  created_at: number;
  last_modified: number;
  last_result: string;
}

export interface AsyncEventRow {
  id: number;
  request_id: string;
  account: string;
  region: string;
  function_name: string;
  qualifier: string | null;
  payload: Uint8Array;
  attempts: number;
  enqueued_at: number;
  due_at: number;
  source: string | null;
}

export class LambdaTables {
  // Only this module speaks SQL: handlers and engines call the methods below.
  readonly #db: Store;

  constructor(store: Store) {
    this.#db = store;
    store.migrate('lambda', new URL('./migrations/', import.meta.url));
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write (a name taken, a revision, a quota,
   * tags or a JSON document to merge) and the write itself see no other request in between. The
   * methods fn calls join the unit; fn awaits nothing but them (no blobs, no invocations, no timers).
   */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.unit(() => fn());
  }

  // ---- functions and versions

  async fn(account: string, region: string, name: string): Promise<FunctionRow | undefined> {
    return await this.#db.get<FunctionRow>(`SELECT * FROM lambda_functions WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  async fnById(id: number): Promise<FunctionRow | undefined> {
    return await this.#db.get<FunctionRow>('SELECT * FROM lambda_functions WHERE id = ?', id);
  }

  /**
   * CreateFunction as one unit of work: the function row, its code signing config and its $LATEST
   * version (`latest` without the function id, which the insert decides).
   */
  async createFunction(
    f: { account: string; region: string; name: string; now: number; tags: string; codeSigningConfigArn?: string },
    latest: Omit<VersionRow, 'function_id'>,
  ): Promise<VersionRow> {
    return await this.#db.unit(async () => {
      const fnId = await this.insertFunction(f.account, f.region, f.name, f.now, f.tags);
      if (f.codeSigningConfigArn) await this.setFunction(fnId, 'code_signing_config_arn', f.codeSigningConfigArn);
      const row: VersionRow = { function_id: fnId, ...latest };
      await this.putVersion(row);
      return row;
    });
  }

  /**
   * PublishVersion as one unit of work: takes the function's next version number and stores `v`
   * under it (the number is read inside the unit, so two publishes never share one).
   */
  async publishVersion(functionId: number, v: Omit<VersionRow, 'version'>): Promise<VersionRow> {
    return await this.#db.unit(async (tx) => {
      const current = (await this.fnById(functionId))!;
      const number = String(current.next_version);
      await tx.run('UPDATE lambda_functions SET next_version = next_version + 1 WHERE id = ?', functionId);
      const row: VersionRow = { ...v, version: number };
      await this.putVersion(row);
      return row;
    });
  }

  async insertFunction(account: string, region: string, name: string, now: number, tags: string): Promise<number> {
    const r = await this.#db.run('INSERT INTO lambda_functions (account, region, name, created_at, tags) VALUES (?, ?, ?, ?, ?)', account, region, name, now, tags);
    return Number(r.lastInsertRowid);
  }

  async deleteFunction(id: number): Promise<void> {
    await this.#db.run('DELETE FROM lambda_functions WHERE id = ?', id);
  }

  async setFunction(id: number, column: 'tags' | 'reserved_concurrency' | 'code_signing_config_arn' | 'settings', value: string | number | null): Promise<void> {
    await this.#db.run(`UPDATE lambda_functions SET ${column} = ? WHERE id = ?`, value, id);
  }

  /** Functions by name after `after`, for ListFunctions. */
  async functions(account: string, region: string, after: string, limit: number): Promise<FunctionRow[]> {
    return await this.#db.all<FunctionRow>(
      `SELECT * FROM lambda_functions WHERE ${IN_SCOPE} AND name > ? ORDER BY name LIMIT ?`,
      ...scopeParams({ account, region }), after, limit,
    );
  }

  async allFunctions(): Promise<FunctionRow[]> {
    return await this.#db.all<FunctionRow>('SELECT * FROM lambda_functions ORDER BY account, region, name');
  }

  async version(functionId: number, version: string): Promise<VersionRow | undefined> {
    return await this.#db.get<VersionRow>('SELECT * FROM lambda_versions WHERE function_id = ? AND version = ?', functionId, version);
  }

  /** $LATEST first, then published versions in numeric order. */
  async versions(functionId: number): Promise<VersionRow[]> {
    return await this.#db.all<VersionRow>(
      `SELECT * FROM lambda_versions WHERE function_id = ? ORDER BY CASE version WHEN '$LATEST' THEN 0 ELSE 1 END, CAST(version AS INTEGER)`,
      functionId,
    );
  }

  /** Whether any version of any function has a configuration mentioning `text` (a layer's blob). */
  async versionConfigMentions(text: string): Promise<boolean> {
    return !!(await this.#db.get("SELECT 1 AS x FROM lambda_versions WHERE instr(config, ?) > 0 LIMIT 1", text));
  }

  async putVersion(v: VersionRow): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_versions (function_id, version, config, code_sha256, code_size, code_blob, state, state_reason, state_reason_code,
         last_update_status, last_modified, revision_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_id, version) DO UPDATE SET config = excluded.config, code_sha256 = excluded.code_sha256,
         code_size = excluded.code_size, code_blob = excluded.code_blob, state = excluded.state, state_reason = excluded.state_reason,
         state_reason_code = excluded.state_reason_code, last_update_status = excluded.last_update_status,
         last_modified = excluded.last_modified, revision_id = excluded.revision_id`,
      v.function_id, v.version, v.config, v.code_sha256, v.code_size, v.code_blob, v.state, v.state_reason, v.state_reason_code,
      v.last_update_status, v.last_modified, v.revision_id,
    );
  }

  async setRevision(functionId: number, version: string, revision: string): Promise<void> {
    await this.#db.run('UPDATE lambda_versions SET revision_id = ? WHERE function_id = ? AND version = ?', revision, functionId, version);
  }

  async setVersionStatus(functionId: number, version: string, state: string, lastUpdateStatus: string, reason: string | null, reasonCode: string | null): Promise<void> {
    await this.#db.run(
      'UPDATE lambda_versions SET state = ?, last_update_status = ?, state_reason = ?, state_reason_code = ? WHERE function_id = ? AND version = ?',
      state, lastUpdateStatus, reason, reasonCode, functionId, version,
    );
  }

  /** Versions left in a transitional state (Pending, InProgress) become Active / Successful. */
  async settleVersions(functionId?: number, versions?: string[]): Promise<void> {
    const settle = "UPDATE lambda_versions SET state = 'Active', last_update_status = 'Successful', state_reason = NULL, state_reason_code = NULL";
    if (functionId === undefined) {
      // Everything a previous process left half-way.
      await this.#db.run(`${settle} WHERE state = 'Pending' OR last_update_status = 'InProgress'`);
      return;
    }
    const list = versions ?? [];
    if (list.length === 0) return;
    await this.#db.run(`${settle} WHERE function_id = ? AND version IN (${list.map(() => '?').join(', ')})`, functionId, ...list);
  }

  async deleteVersion(functionId: number, version: string): Promise<void> {
    await this.#db.run('DELETE FROM lambda_versions WHERE function_id = ? AND version = ?', functionId, version);
  }

  async blobInUse(blob: string): Promise<boolean> {
    const r = await this.#db.get<{ x: number }>(
      `SELECT EXISTS (SELECT 1 FROM lambda_versions WHERE code_blob = ?1) OR EXISTS (SELECT 1 FROM lambda_layers WHERE code_blob = ?1) AS x`,
      blob,
    );
    return !!r?.x;
  }

  // ---- aliases

  async alias(functionId: number, name: string): Promise<AliasRow | undefined> {
    return await this.#db.get<AliasRow>('SELECT * FROM lambda_aliases WHERE function_id = ? AND name = ?', functionId, name);
  }

  async aliases(functionId: number): Promise<AliasRow[]> {
    return await this.#db.all<AliasRow>('SELECT * FROM lambda_aliases WHERE function_id = ? ORDER BY name', functionId);
  }

  async putAlias(a: AliasRow): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_aliases (function_id, name, version, description, routing, revision_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_id, name) DO UPDATE SET version = excluded.version, description = excluded.description,
         routing = excluded.routing, revision_id = excluded.revision_id`,
      a.function_id, a.name, a.version, a.description, a.routing, a.revision_id,
    );
  }

  async deleteAlias(functionId: number, name: string): Promise<void> {
    await this.#db.run('DELETE FROM lambda_aliases WHERE function_id = ? AND name = ?', functionId, name);
  }

  // ---- resource policies

  async statements(functionId: number, qualifier: string): Promise<Array<{ sid: string; statement: string }>> {
    return await this.#db.all('SELECT sid, statement FROM lambda_policies WHERE function_id = ? AND qualifier = ? ORDER BY rowid', functionId, qualifier);
  }

  /** Statements of the unqualified policy and, when given, of one qualifier's, in that order. */
  async statementsFor(functionId: number, qualifier: string | undefined): Promise<Array<{ sid: string; statement: string }>> {
    return await this.#db.all(
      `SELECT sid, statement FROM lambda_policies WHERE function_id = ? AND (qualifier = '' OR qualifier = ?) ORDER BY qualifier <> '', rowid`,
      functionId, qualifier ?? '',
    );
  }

  async putStatement(functionId: number, qualifier: string, sid: string, statement: string): Promise<void> {
    await this.#db.run('INSERT INTO lambda_policies (function_id, qualifier, sid, statement) VALUES (?, ?, ?, ?)', functionId, qualifier, sid, statement);
  }

  async deleteStatement(functionId: number, qualifier: string, sid: string): Promise<boolean> {
    return Number((await this.#db.run('DELETE FROM lambda_policies WHERE function_id = ? AND qualifier = ? AND sid = ?', functionId, qualifier, sid)).changes) > 0;
  }

  async deleteStatements(functionId: number, qualifier: string): Promise<void> {
    await this.#db.run('DELETE FROM lambda_policies WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  // ---- layers

  /** Takes a layer's next version number and stores the layer under it, in one unit. */
  async publishLayer(l: Omit<LayerRow, 'version'>): Promise<LayerRow> {
    return await this.#db.unit(async (tx) => {
      const scope = scopeParams({ account: l.account, region: l.region });
      await tx.run('INSERT OR IGNORE INTO lambda_layer_names (account, region, name) VALUES (?, ?, ?)', l.account, l.region, l.name);
      const { next_version: version } = (await tx.get<{ next_version: number }>(`SELECT next_version FROM lambda_layer_names WHERE ${IN_SCOPE} AND name = ?`, ...scope, l.name))!;
      await tx.run(`UPDATE lambda_layer_names SET next_version = next_version + 1 WHERE ${IN_SCOPE} AND name = ?`, ...scope, l.name);
      const row: LayerRow = { ...l, version };
      await tx.run(
        'INSERT INTO lambda_layers (account, region, name, version, config, code_sha256, code_size, code_blob, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        row.account, row.region, row.name, row.version, row.config, row.code_sha256, row.code_size, row.code_blob, row.created_at,
      );
      return row;
    });
  }

  async layer(account: string, region: string, name: string, version: number): Promise<LayerRow | undefined> {
    return await this.#db.get<LayerRow>(`SELECT * FROM lambda_layers WHERE ${IN_SCOPE} AND name = ? AND version = ?`, ...scopeParams({ account, region }), name, version);
  }

  async layerVersions(account: string, region: string, name: string): Promise<LayerRow[]> {
    return await this.#db.all<LayerRow>(`SELECT * FROM lambda_layers WHERE ${IN_SCOPE} AND name = ? ORDER BY version DESC`, ...scopeParams({ account, region }), name);
  }

  /** Every layer version of a scope, by name then newest first. */
  async allLayerVersions(account: string, region: string): Promise<LayerRow[]> {
    return await this.#db.all<LayerRow>(`SELECT * FROM lambda_layers WHERE ${IN_SCOPE} ORDER BY name, version DESC`, ...scopeParams({ account, region }));
  }

  async deleteLayer(account: string, region: string, name: string, version: number): Promise<void> {
    await this.#db.unit(async (tx) => {
      await tx.run(`DELETE FROM lambda_layers WHERE ${IN_SCOPE} AND name = ? AND version = ?`, ...scopeParams({ account, region }), name, version);
      await tx.run(`DELETE FROM lambda_layer_policies WHERE ${IN_SCOPE} AND name = ? AND version = ?`, ...scopeParams({ account, region }), name, version);
    });
  }

  async layerStatements(account: string, region: string, name: string, version: number): Promise<Array<{ sid: string; statement: string }>> {
    return await this.#db.all(
      `SELECT sid, statement FROM lambda_layer_policies WHERE ${IN_SCOPE} AND name = ? AND version = ? ORDER BY rowid`,
      ...scopeParams({ account, region }), name, version,
    );
  }

  async putLayerStatement(account: string, region: string, name: string, version: number, sid: string, statement: string): Promise<void> {
    await this.#db.run(
      'INSERT INTO lambda_layer_policies (account, region, name, version, sid, statement) VALUES (?, ?, ?, ?, ?, ?)',
      account, region, name, version, sid, statement,
    );
  }

  async deleteLayerStatement(account: string, region: string, name: string, version: number, sid: string): Promise<boolean> {
    const r = await this.#db.run(
      `DELETE FROM lambda_layer_policies WHERE ${IN_SCOPE} AND name = ? AND version = ? AND sid = ?`,
      ...scopeParams({ account, region }), name, version, sid,
    );
    return Number(r.changes) > 0;
  }

  // ---- function URLs

  async url(functionId: number, qualifier: string): Promise<UrlRow | undefined> {
    return await this.#db.get<UrlRow>('SELECT * FROM lambda_urls WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  async urlById(urlId: string): Promise<UrlRow | undefined> {
    return await this.#db.get<UrlRow>('SELECT * FROM lambda_urls WHERE url_id = ?', urlId);
  }

  async urls(functionId: number): Promise<UrlRow[]> {
    return await this.#db.all<UrlRow>('SELECT * FROM lambda_urls WHERE function_id = ? ORDER BY qualifier', functionId);
  }

  async putUrl(u: UrlRow): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_urls (function_id, qualifier, url_id, config, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET config = excluded.config, modified_at = excluded.modified_at`,
      u.function_id, u.qualifier, u.url_id, u.config, u.created_at, u.modified_at,
    );
  }

  async deleteUrl(functionId: number, qualifier: string): Promise<boolean> {
    return Number((await this.#db.run('DELETE FROM lambda_urls WHERE function_id = ? AND qualifier = ?', functionId, qualifier)).changes) > 0;
  }

  // ---- event invoke configs

  async invokeConfig(functionId: number, qualifier: string): Promise<{ config: string; modified_at: number } | undefined> {
    return await this.#db.get('SELECT config, modified_at FROM lambda_invoke_configs WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  async invokeConfigs(functionId: number): Promise<Array<{ qualifier: string; config: string; modified_at: number }>> {
    return await this.#db.all('SELECT qualifier, config, modified_at FROM lambda_invoke_configs WHERE function_id = ? ORDER BY qualifier', functionId);
  }

  async putInvokeConfig(functionId: number, qualifier: string, config: string, now: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_invoke_configs (function_id, qualifier, config, modified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET config = excluded.config, modified_at = excluded.modified_at`,
      functionId, qualifier, config, now,
    );
  }

  async deleteInvokeConfig(functionId: number, qualifier: string): Promise<boolean> {
    return Number((await this.#db.run('DELETE FROM lambda_invoke_configs WHERE function_id = ? AND qualifier = ?', functionId, qualifier)).changes) > 0;
  }

  // ---- provisioned concurrency

  async provisioned(functionId: number, qualifier: string): Promise<{ requested: number; status: string; modified_at: number } | undefined> {
    return await this.#db.get('SELECT requested, status, modified_at FROM lambda_provisioned WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  async provisionedAll(functionId: number): Promise<Array<{ qualifier: string; requested: number; status: string; modified_at: number }>> {
    return await this.#db.all('SELECT qualifier, requested, status, modified_at FROM lambda_provisioned WHERE function_id = ? ORDER BY qualifier', functionId);
  }

  async putProvisioned(functionId: number, qualifier: string, requested: number, status: string, now: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_provisioned (function_id, qualifier, requested, status, modified_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET requested = excluded.requested, status = excluded.status, modified_at = excluded.modified_at`,
      functionId, qualifier, requested, status, now,
    );
  }

  /** Marks a provisioned config READY, unless it has been changed (or deleted) since `requested` was asked for. */
  async provisionedReady(functionId: number, qualifier: string, requested: number): Promise<void> {
    await this.#db.run(
      "UPDATE lambda_provisioned SET status = 'READY' WHERE function_id = ? AND qualifier = ? AND requested = ?",
      functionId, qualifier, requested,
    );
  }

  async deleteProvisioned(functionId: number, qualifier: string): Promise<boolean> {
    return Number((await this.#db.run('DELETE FROM lambda_provisioned WHERE function_id = ? AND qualifier = ?', functionId, qualifier)).changes) > 0;
  }

  async provisionedTotal(account: string, region: string): Promise<number> {
    const r = await this.#db.get<{ n: number }>(
      'SELECT COALESCE(SUM(p.requested), 0) AS n FROM lambda_provisioned p JOIN lambda_functions f ON f.id = p.function_id WHERE f.account = ? AND f.region = ?',
      account, region,
    );
    return r!.n;
  }

  async reservedTotal(account: string, region: string): Promise<number> {
    const r = await this.#db.get<{ n: number }>(
      `SELECT COALESCE(SUM(reserved_concurrency), 0) AS n FROM lambda_functions WHERE ${IN_SCOPE}`,
      ...scopeParams({ account, region }),
    );
    return r!.n;
  }

  /** The code size of every function version and layer version of a scope, and how many functions. */
  async usage(account: string, region: string): Promise<{ codeSize: number; functions: number }> {
    const scope = scopeParams({ account, region });
    const r = await this.#db.get<{ code: number; fns: number }>(
      `SELECT (SELECT COALESCE(SUM(v.code_size), 0) FROM lambda_versions v JOIN lambda_functions f ON f.id = v.function_id WHERE f.account = ?1 AND f.region = ?2)
            + (SELECT COALESCE(SUM(code_size), 0) FROM lambda_layers WHERE account = ?1 AND region = ?2) AS code,
              (SELECT COUNT(*) FROM lambda_functions WHERE account = ?1 AND region = ?2) AS fns`,
      ...scope,
    );
    return { codeSize: r!.code, functions: r!.fns };
  }

  // ---- code signing configs

  async codeSigningConfig(account: string, region: string, id: string): Promise<{ id: string; config: string; modified_at: number } | undefined> {
    return await this.#db.get(`SELECT id, config, modified_at FROM lambda_code_signing_configs WHERE ${IN_SCOPE} AND id = ?`, ...scopeParams({ account, region }), id);
  }

  async codeSigningConfigs(account: string, region: string): Promise<Array<{ id: string; config: string; modified_at: number }>> {
    return await this.#db.all(`SELECT id, config, modified_at FROM lambda_code_signing_configs WHERE ${IN_SCOPE} ORDER BY id`, ...scopeParams({ account, region }));
  }

  async putCodeSigningConfig(account: string, region: string, id: string, config: string, now: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_code_signing_configs (account, region, id, config, modified_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, id) DO UPDATE SET config = excluded.config, modified_at = excluded.modified_at`,
      account, region, id, config, now,
    );
  }

  async deleteCodeSigningConfig(account: string, region: string, id: string): Promise<boolean> {
    return Number((await this.#db.run(`DELETE FROM lambda_code_signing_configs WHERE ${IN_SCOPE} AND id = ?`, ...scopeParams({ account, region }), id)).changes) > 0;
  }

  async functionsWithCodeSigningConfig(arn: string): Promise<FunctionRow[]> {
    return await this.#db.all<FunctionRow>('SELECT * FROM lambda_functions WHERE code_signing_config_arn = ? ORDER BY name', arn);
  }

  // ---- event source mappings

  async mapping(uuid: string): Promise<MappingRow | undefined> {
    return await this.#db.get<MappingRow>('SELECT * FROM lambda_event_source_mappings WHERE uuid = ?', uuid);
  }

  async mappings(account: string, region: string): Promise<MappingRow[]> {
    return await this.#db.all<MappingRow>(`SELECT * FROM lambda_event_source_mappings WHERE ${IN_SCOPE} ORDER BY created_at, uuid`, ...scopeParams({ account, region }));
  }

  async allMappings(): Promise<MappingRow[]> {
    return await this.#db.all<MappingRow>('SELECT * FROM lambda_event_source_mappings');
  }

  async putMapping(m: MappingRow): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_event_source_mappings (uuid, account, region, function_arn, config, state, created_at, last_modified, last_result)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (uuid) DO UPDATE SET function_arn = excluded.function_arn, config = excluded.config, state = excluded.state,
         last_modified = excluded.last_modified, last_result = excluded.last_result`,
      m.uuid, m.account, m.region, m.function_arn, m.config, m.state, m.created_at, m.last_modified, m.last_result,
    );
  }

  async setMappingState(uuid: string, state: string): Promise<void> {
    await this.#db.run('UPDATE lambda_event_source_mappings SET state = ? WHERE uuid = ?', state, uuid);
  }

  async setMappingResult(uuid: string, result: string): Promise<void> {
    await this.#db.run('UPDATE lambda_event_source_mappings SET last_result = ? WHERE uuid = ?', result, uuid);
  }

  async deleteMapping(uuid: string): Promise<void> {
    await this.#db.run('DELETE FROM lambda_event_source_mappings WHERE uuid = ?', uuid);
  }

  async checkpoints(uuid: string): Promise<Array<{ shard: string; sequence: string; closed: number }>> {
    return await this.#db.all('SELECT shard, sequence, closed FROM lambda_mapping_checkpoints WHERE uuid = ?', uuid);
  }

  async checkpoint(uuid: string, shard: string): Promise<string | undefined> {
    return (await this.#db.get<{ sequence: string }>('SELECT sequence FROM lambda_mapping_checkpoints WHERE uuid = ? AND shard = ?', uuid, shard))?.sequence;
  }

  /** Records a shard's progress, unless the mapping has been deleted meanwhile (one statement: no unit needed). */
  async putCheckpoint(uuid: string, shard: string, sequence: string, closed: boolean): Promise<void> {
    await this.#db.run(
      `INSERT INTO lambda_mapping_checkpoints (uuid, shard, sequence, closed)
       SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM lambda_event_source_mappings WHERE uuid = ?1)
       ON CONFLICT (uuid, shard) DO UPDATE SET sequence = excluded.sequence, closed = excluded.closed`,
      uuid, shard, sequence, closed ? 1 : 0,
    );
  }

  // ---- asynchronous invocations

  async enqueue(e: Omit<AsyncEventRow, 'id'>): Promise<number> {
    const r = await this.#db.run(
      `INSERT INTO lambda_async_events (request_id, account, region, function_name, qualifier, payload, attempts, enqueued_at, due_at, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      e.request_id, e.account, e.region, e.function_name, e.qualifier, e.payload, e.attempts, e.enqueued_at, e.due_at, e.source,
    );
    return Number(r.lastInsertRowid);
  }

  async asyncEvent(id: number): Promise<AsyncEventRow | undefined> {
    return await this.#db.get<AsyncEventRow>('SELECT * FROM lambda_async_events WHERE id = ?', id);
  }

  async asyncEvents(): Promise<AsyncEventRow[]> {
    return await this.#db.all<AsyncEventRow>('SELECT * FROM lambda_async_events ORDER BY due_at, id');
  }

  async rescheduleAsync(id: number, attempts: number, dueAt: number): Promise<void> {
    await this.#db.run('UPDATE lambda_async_events SET attempts = ?, due_at = ? WHERE id = ?', attempts, dueAt, id);
  }

  async dequeue(id: number): Promise<void> {
    await this.#db.run('DELETE FROM lambda_async_events WHERE id = ?', id);
  }
}
