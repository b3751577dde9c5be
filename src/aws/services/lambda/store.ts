// Lambda's tables and statements; nothing else touches them. Configurations are kept as JSON documents
// of the members a user sets (the rest of FunctionConfiguration is derived when answering).
import type { Database } from '../../../store/database.ts';
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
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.migrate('lambda', new URL('./migrations/', import.meta.url));
  }

  // ---- functions and versions

  fn(account: string, region: string, name: string): FunctionRow | undefined {
    return this.#db.get<FunctionRow>(`SELECT * FROM lambda_functions WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  fnById(id: number): FunctionRow | undefined {
    return this.#db.get<FunctionRow>('SELECT * FROM lambda_functions WHERE id = ?', id);
  }

  /**
   * CreateFunction as one unit of work: the function row, its code signing config and its $LATEST
   * version (`latest` without the function id, which the insert decides).
   */
  createFunction(
    f: { account: string; region: string; name: string; now: number; tags: string; codeSigningConfigArn?: string },
    latest: Omit<VersionRow, 'function_id'>,
  ): VersionRow {
    return this.#db.transaction(() => {
      const fnId = this.insertFunction(f.account, f.region, f.name, f.now, f.tags);
      if (f.codeSigningConfigArn) this.setFunction(fnId, 'code_signing_config_arn', f.codeSigningConfigArn);
      const row: VersionRow = { function_id: fnId, ...latest };
      this.putVersion(row);
      return row;
    });
  }

  /**
   * PublishVersion as one unit of work: takes the function's next version number and stores `v`
   * under it (the number is read inside the transaction, so two publishes never share one).
   */
  publishVersion(functionId: number, v: Omit<VersionRow, 'version'>): VersionRow {
    return this.#db.transaction(() => {
      const current = this.fnById(functionId)!;
      const number = String(current.next_version);
      this.setFunction(functionId, 'next_version', current.next_version + 1);
      const row: VersionRow = { ...v, version: number };
      this.putVersion(row);
      return row;
    });
  }

  insertFunction(account: string, region: string, name: string, now: number, tags: string): number {
    return Number(
      this.#db.run('INSERT INTO lambda_functions (account, region, name, created_at, tags) VALUES (?, ?, ?, ?, ?)', account, region, name, now, tags)
        .lastInsertRowid,
    );
  }

  deleteFunction(id: number): void {
    this.#db.run('DELETE FROM lambda_functions WHERE id = ?', id);
  }

  setFunction(id: number, column: 'tags' | 'reserved_concurrency' | 'code_signing_config_arn' | 'settings' | 'next_version', value: string | number | null): void {
    this.#db.run(`UPDATE lambda_functions SET ${column} = ? WHERE id = ?`, value, id);
  }

  /** Functions by name after `after`, for ListFunctions. */
  functions(account: string, region: string, after: string, limit: number): FunctionRow[] {
    return this.#db.all<FunctionRow>(
      `SELECT * FROM lambda_functions WHERE ${IN_SCOPE} AND name > ? ORDER BY name LIMIT ?`,
      ...scopeParams({ account, region }), after, limit,
    );
  }

  allFunctions(): FunctionRow[] {
    return this.#db.all<FunctionRow>('SELECT * FROM lambda_functions ORDER BY account, region, name');
  }

  version(functionId: number, version: string): VersionRow | undefined {
    return this.#db.get<VersionRow>('SELECT * FROM lambda_versions WHERE function_id = ? AND version = ?', functionId, version);
  }

  /** $LATEST first, then published versions in numeric order. */
  versions(functionId: number): VersionRow[] {
    return this.#db.all<VersionRow>(
      `SELECT * FROM lambda_versions WHERE function_id = ? ORDER BY CASE version WHEN '$LATEST' THEN 0 ELSE 1 END, CAST(version AS INTEGER)`,
      functionId,
    );
  }

  putVersion(v: VersionRow): void {
    this.#db.run(
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

  setVersionStatus(functionId: number, version: string, state: string, lastUpdateStatus: string, reason: string | null, reasonCode: string | null): void {
    this.#db.run(
      'UPDATE lambda_versions SET state = ?, last_update_status = ?, state_reason = ?, state_reason_code = ? WHERE function_id = ? AND version = ?',
      state, lastUpdateStatus, reason, reasonCode, functionId, version,
    );
  }

  /** Versions left in a transitional state by a previous process. */
  pendingVersions(): Array<{ function_id: number; version: string }> {
    return this.#db.all("SELECT function_id, version FROM lambda_versions WHERE state = 'Pending' OR last_update_status = 'InProgress'");
  }

  deleteVersion(functionId: number, version: string): void {
    this.#db.run('DELETE FROM lambda_versions WHERE function_id = ? AND version = ?', functionId, version);
  }

  blobInUse(blob: string): boolean {
    return !!(
      this.#db.get('SELECT 1 AS x FROM lambda_versions WHERE code_blob = ? LIMIT 1', blob) ??
      this.#db.get('SELECT 1 AS x FROM lambda_layers WHERE code_blob = ? LIMIT 1', blob)
    );
  }

  // ---- aliases

  alias(functionId: number, name: string): AliasRow | undefined {
    return this.#db.get<AliasRow>('SELECT * FROM lambda_aliases WHERE function_id = ? AND name = ?', functionId, name);
  }

  aliases(functionId: number): AliasRow[] {
    return this.#db.all<AliasRow>('SELECT * FROM lambda_aliases WHERE function_id = ? ORDER BY name', functionId);
  }

  putAlias(a: AliasRow): void {
    this.#db.run(
      `INSERT INTO lambda_aliases (function_id, name, version, description, routing, revision_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_id, name) DO UPDATE SET version = excluded.version, description = excluded.description,
         routing = excluded.routing, revision_id = excluded.revision_id`,
      a.function_id, a.name, a.version, a.description, a.routing, a.revision_id,
    );
  }

  deleteAlias(functionId: number, name: string): void {
    this.#db.run('DELETE FROM lambda_aliases WHERE function_id = ? AND name = ?', functionId, name);
  }

  // ---- resource policies

  statements(functionId: number, qualifier: string): Array<{ sid: string; statement: string }> {
    return this.#db.all('SELECT sid, statement FROM lambda_policies WHERE function_id = ? AND qualifier = ? ORDER BY rowid', functionId, qualifier);
  }

  putStatement(functionId: number, qualifier: string, sid: string, statement: string): void {
    this.#db.run('INSERT INTO lambda_policies (function_id, qualifier, sid, statement) VALUES (?, ?, ?, ?)', functionId, qualifier, sid, statement);
  }

  deleteStatement(functionId: number, qualifier: string, sid: string): boolean {
    return Number(this.#db.run('DELETE FROM lambda_policies WHERE function_id = ? AND qualifier = ? AND sid = ?', functionId, qualifier, sid).changes) > 0;
  }

  deleteStatements(functionId: number, qualifier: string): void {
    this.#db.run('DELETE FROM lambda_policies WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  // ---- layers

  nextLayerVersion(account: string, region: string, name: string): number {
    return this.#db.transaction(() => {
      this.#db.run('INSERT OR IGNORE INTO lambda_layer_names (account, region, name) VALUES (?, ?, ?)', account, region, name);
      const row = this.#db.get<{ next_version: number }>(`SELECT next_version FROM lambda_layer_names WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name)!;
      this.#db.run(`UPDATE lambda_layer_names SET next_version = next_version + 1 WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
      return row.next_version;
    });
  }

  layer(account: string, region: string, name: string, version: number): LayerRow | undefined {
    return this.#db.get<LayerRow>(`SELECT * FROM lambda_layers WHERE ${IN_SCOPE} AND name = ? AND version = ?`, ...scopeParams({ account, region }), name, version);
  }

  layerVersions(account: string, region: string, name: string): LayerRow[] {
    return this.#db.all<LayerRow>(`SELECT * FROM lambda_layers WHERE ${IN_SCOPE} AND name = ? ORDER BY version DESC`, ...scopeParams({ account, region }), name);
  }

  layerNames(account: string, region: string): string[] {
    return this.#db
      .all<{ name: string }>(`SELECT DISTINCT name FROM lambda_layers WHERE ${IN_SCOPE} ORDER BY name`, ...scopeParams({ account, region }))
      .map((r) => r.name);
  }

  putLayer(l: LayerRow): void {
    this.#db.run(
      'INSERT INTO lambda_layers (account, region, name, version, config, code_sha256, code_size, code_blob, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      l.account, l.region, l.name, l.version, l.config, l.code_sha256, l.code_size, l.code_blob, l.created_at,
    );
  }

  deleteLayer(account: string, region: string, name: string, version: number): void {
    this.#db.transaction(() => {
      this.#db.run(`DELETE FROM lambda_layers WHERE ${IN_SCOPE} AND name = ? AND version = ?`, ...scopeParams({ account, region }), name, version);
      this.#db.run(`DELETE FROM lambda_layer_policies WHERE ${IN_SCOPE} AND name = ? AND version = ?`, ...scopeParams({ account, region }), name, version);
    });
  }

  layerStatements(account: string, region: string, name: string, version: number): Array<{ sid: string; statement: string }> {
    return this.#db.all(
      `SELECT sid, statement FROM lambda_layer_policies WHERE ${IN_SCOPE} AND name = ? AND version = ? ORDER BY rowid`,
      ...scopeParams({ account, region }), name, version,
    );
  }

  putLayerStatement(account: string, region: string, name: string, version: number, sid: string, statement: string): void {
    this.#db.run(
      'INSERT INTO lambda_layer_policies (account, region, name, version, sid, statement) VALUES (?, ?, ?, ?, ?, ?)',
      account, region, name, version, sid, statement,
    );
  }

  deleteLayerStatement(account: string, region: string, name: string, version: number, sid: string): boolean {
    return (
      Number(
        this.#db.run(`DELETE FROM lambda_layer_policies WHERE ${IN_SCOPE} AND name = ? AND version = ? AND sid = ?`, ...scopeParams({ account, region }), name, version, sid)
          .changes,
      ) > 0
    );
  }

  // ---- function URLs

  url(functionId: number, qualifier: string): UrlRow | undefined {
    return this.#db.get<UrlRow>('SELECT * FROM lambda_urls WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  urlById(urlId: string): UrlRow | undefined {
    return this.#db.get<UrlRow>('SELECT * FROM lambda_urls WHERE url_id = ?', urlId);
  }

  urls(functionId: number): UrlRow[] {
    return this.#db.all<UrlRow>('SELECT * FROM lambda_urls WHERE function_id = ? ORDER BY qualifier', functionId);
  }

  putUrl(u: UrlRow): void {
    this.#db.run(
      `INSERT INTO lambda_urls (function_id, qualifier, url_id, config, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET config = excluded.config, modified_at = excluded.modified_at`,
      u.function_id, u.qualifier, u.url_id, u.config, u.created_at, u.modified_at,
    );
  }

  deleteUrl(functionId: number, qualifier: string): boolean {
    return Number(this.#db.run('DELETE FROM lambda_urls WHERE function_id = ? AND qualifier = ?', functionId, qualifier).changes) > 0;
  }

  // ---- event invoke configs

  invokeConfig(functionId: number, qualifier: string): { config: string; modified_at: number } | undefined {
    return this.#db.get('SELECT config, modified_at FROM lambda_invoke_configs WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  invokeConfigs(functionId: number): Array<{ qualifier: string; config: string; modified_at: number }> {
    return this.#db.all('SELECT qualifier, config, modified_at FROM lambda_invoke_configs WHERE function_id = ? ORDER BY qualifier', functionId);
  }

  putInvokeConfig(functionId: number, qualifier: string, config: string, now: number): void {
    this.#db.run(
      `INSERT INTO lambda_invoke_configs (function_id, qualifier, config, modified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET config = excluded.config, modified_at = excluded.modified_at`,
      functionId, qualifier, config, now,
    );
  }

  deleteInvokeConfig(functionId: number, qualifier: string): boolean {
    return Number(this.#db.run('DELETE FROM lambda_invoke_configs WHERE function_id = ? AND qualifier = ?', functionId, qualifier).changes) > 0;
  }

  // ---- provisioned concurrency

  provisioned(functionId: number, qualifier: string): { requested: number; status: string; modified_at: number } | undefined {
    return this.#db.get('SELECT requested, status, modified_at FROM lambda_provisioned WHERE function_id = ? AND qualifier = ?', functionId, qualifier);
  }

  provisionedAll(functionId: number): Array<{ qualifier: string; requested: number; status: string; modified_at: number }> {
    return this.#db.all('SELECT qualifier, requested, status, modified_at FROM lambda_provisioned WHERE function_id = ? ORDER BY qualifier', functionId);
  }

  putProvisioned(functionId: number, qualifier: string, requested: number, status: string, now: number): void {
    this.#db.run(
      `INSERT INTO lambda_provisioned (function_id, qualifier, requested, status, modified_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET requested = excluded.requested, status = excluded.status, modified_at = excluded.modified_at`,
      functionId, qualifier, requested, status, now,
    );
  }

  deleteProvisioned(functionId: number, qualifier: string): boolean {
    return Number(this.#db.run('DELETE FROM lambda_provisioned WHERE function_id = ? AND qualifier = ?', functionId, qualifier).changes) > 0;
  }

  provisionedTotal(account: string, region: string): number {
    return this.#db.get<{ n: number }>(
      'SELECT COALESCE(SUM(p.requested), 0) AS n FROM lambda_provisioned p JOIN lambda_functions f ON f.id = p.function_id WHERE f.account = ? AND f.region = ?',
      account, region,
    )!.n;
  }

  reservedTotal(account: string, region: string): number {
    return this.#db.get<{ n: number }>(
      `SELECT COALESCE(SUM(reserved_concurrency), 0) AS n FROM lambda_functions WHERE ${IN_SCOPE}`,
      ...scopeParams({ account, region }),
    )!.n;
  }

  // ---- code signing configs

  codeSigningConfig(account: string, region: string, id: string): { id: string; config: string; modified_at: number } | undefined {
    return this.#db.get(`SELECT id, config, modified_at FROM lambda_code_signing_configs WHERE ${IN_SCOPE} AND id = ?`, ...scopeParams({ account, region }), id);
  }

  codeSigningConfigs(account: string, region: string): Array<{ id: string; config: string; modified_at: number }> {
    return this.#db.all(`SELECT id, config, modified_at FROM lambda_code_signing_configs WHERE ${IN_SCOPE} ORDER BY id`, ...scopeParams({ account, region }));
  }

  putCodeSigningConfig(account: string, region: string, id: string, config: string, now: number): void {
    this.#db.run(
      `INSERT INTO lambda_code_signing_configs (account, region, id, config, modified_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, id) DO UPDATE SET config = excluded.config, modified_at = excluded.modified_at`,
      account, region, id, config, now,
    );
  }

  deleteCodeSigningConfig(account: string, region: string, id: string): boolean {
    return Number(this.#db.run(`DELETE FROM lambda_code_signing_configs WHERE ${IN_SCOPE} AND id = ?`, ...scopeParams({ account, region }), id).changes) > 0;
  }

  functionsWithCodeSigningConfig(arn: string): FunctionRow[] {
    return this.#db.all<FunctionRow>('SELECT * FROM lambda_functions WHERE code_signing_config_arn = ? ORDER BY name', arn);
  }

  // ---- event source mappings

  mapping(uuid: string): MappingRow | undefined {
    return this.#db.get<MappingRow>('SELECT * FROM lambda_event_source_mappings WHERE uuid = ?', uuid);
  }

  mappings(account: string, region: string): MappingRow[] {
    return this.#db.all<MappingRow>(`SELECT * FROM lambda_event_source_mappings WHERE ${IN_SCOPE} ORDER BY created_at, uuid`, ...scopeParams({ account, region }));
  }

  allMappings(): MappingRow[] {
    return this.#db.all<MappingRow>('SELECT * FROM lambda_event_source_mappings');
  }

  putMapping(m: MappingRow): void {
    this.#db.run(
      `INSERT INTO lambda_event_source_mappings (uuid, account, region, function_arn, config, state, created_at, last_modified, last_result)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (uuid) DO UPDATE SET function_arn = excluded.function_arn, config = excluded.config, state = excluded.state,
         last_modified = excluded.last_modified, last_result = excluded.last_result`,
      m.uuid, m.account, m.region, m.function_arn, m.config, m.state, m.created_at, m.last_modified, m.last_result,
    );
  }

  setMappingState(uuid: string, state: string): void {
    this.#db.run('UPDATE lambda_event_source_mappings SET state = ? WHERE uuid = ?', state, uuid);
  }

  setMappingResult(uuid: string, result: string): void {
    this.#db.run('UPDATE lambda_event_source_mappings SET last_result = ? WHERE uuid = ?', result, uuid);
  }

  deleteMapping(uuid: string): void {
    this.#db.run('DELETE FROM lambda_event_source_mappings WHERE uuid = ?', uuid);
  }

  checkpoints(uuid: string): Array<{ shard: string; sequence: string; closed: number }> {
    return this.#db.all('SELECT shard, sequence, closed FROM lambda_mapping_checkpoints WHERE uuid = ?', uuid);
  }

  putCheckpoint(uuid: string, shard: string, sequence: string, closed: boolean): void {
    if (!this.mapping(uuid)) return;
    this.#db.run(
      `INSERT INTO lambda_mapping_checkpoints (uuid, shard, sequence, closed) VALUES (?, ?, ?, ?)
       ON CONFLICT (uuid, shard) DO UPDATE SET sequence = excluded.sequence, closed = excluded.closed`,
      uuid, shard, sequence, closed ? 1 : 0,
    );
  }

  // ---- asynchronous invocations

  enqueue(e: Omit<AsyncEventRow, 'id'>): number {
    return Number(
      this.#db.run(
        `INSERT INTO lambda_async_events (request_id, account, region, function_name, qualifier, payload, attempts, enqueued_at, due_at, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        e.request_id, e.account, e.region, e.function_name, e.qualifier, e.payload, e.attempts, e.enqueued_at, e.due_at, e.source,
      ).lastInsertRowid,
    );
  }

  asyncEvent(id: number): AsyncEventRow | undefined {
    return this.#db.get<AsyncEventRow>('SELECT * FROM lambda_async_events WHERE id = ?', id);
  }

  asyncEvents(): AsyncEventRow[] {
    return this.#db.all<AsyncEventRow>('SELECT * FROM lambda_async_events ORDER BY due_at, id');
  }

  rescheduleAsync(id: number, attempts: number, dueAt: number): void {
    this.#db.run('UPDATE lambda_async_events SET attempts = ?, due_at = ? WHERE id = ?', attempts, dueAt, id);
  }

  dequeue(id: number): void {
    this.#db.run('DELETE FROM lambda_async_events WHERE id = ?', id);
  }
}
