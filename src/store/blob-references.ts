// Which rows name a blob, for the orphan sweep (blob-sweep.ts). Each entry belongs to the service
// owning the table and must follow its migrations: a blob column added without an entry here would
// have its files swept. A table that does not exist yet (the service never ran in this data
// directory) holds no references and is skipped.
export interface BlobReference {
  table: string;
  /** Selects one column, `id`: every blob id the table's rows name. */
  sql: string;
}

export const BLOB_REFERENCES: readonly BlobReference[] = [
  // S3 object versions: body is JSON [[blobId, size], ...] (s3/store.ts Segment).
  { table: 's3_objects', sql: 'SELECT j.value ->> 0 AS id FROM s3_objects, json_each(s3_objects.body) AS j WHERE s3_objects.body IS NOT NULL' },
  // S3 multipart parts not yet completed or aborted.
  { table: 's3_parts', sql: 'SELECT blob AS id FROM s3_parts' },
  // Lambda deployment packages of function versions and layer versions.
  { table: 'lambda_versions', sql: 'SELECT code_blob AS id FROM lambda_versions WHERE code_blob IS NOT NULL' },
  // A function version keeps the packages of the layers it uses, even after the layer version is deleted.
  { table: 'lambda_versions', sql: "SELECT l.value ->> 'Blob' AS id FROM lambda_versions, json_each(lambda_versions.config, '$.Layers') AS l" },
  { table: 'lambda_layers', sql: 'SELECT code_blob AS id FROM lambda_layers WHERE code_blob IS NOT NULL' },
];
