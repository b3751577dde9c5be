-- SQS: queues, their messages, FIFO group and deduplication state, message move tasks.
-- Times are epoch milliseconds on Fogbank's clock.

CREATE TABLE sqs_queues (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  fifo INTEGER NOT NULL,
  -- The settable attributes, as the strings clients set them (JSON object).
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  -- PurgeQueue may run once per 60 s.
  purged_at INTEGER,
  UNIQUE (account, region, name)
) STRICT;

-- A deleted name may not be re-created for 60 s.
CREATE TABLE sqs_deleted_queues (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
) STRICT;

CREATE TABLE sqs_messages (
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  -- Message attributes as JSON (binary values base64), NULL when none.
  attributes TEXT,
  md5_attributes TEXT,
  -- AWSTraceHeader, the one system attribute clients send.
  trace_header TEXT,
  md5_system TEXT,
  sender_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  -- When the message may next be received: after its delay, then after each visibility timeout.
  visible_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  first_receive_at INTEGER,
  -- The latest receive: a visibility timeout may not reach beyond 12 hours after it.
  received_at INTEGER,
  -- Changes with every receive: a receipt handle names one receive of one message.
  receipt TEXT,
  group_id TEXT,
  -- FIFO messages only (so it marks them); their SequenceNumber derives from seq.
  dedup_id TEXT,
  -- Set on messages a redrive moved here: the source queue's ARN.
  dead_letter_source TEXT
) STRICT;

-- Standard receive: the earliest visible messages of a queue, without a scan.
CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at, seq);
-- FIFO: a group's messages in order (standard queues' messages carry no group: this index costs them
-- nothing).
CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
-- Retention: the next message to expire anywhere.
CREATE INDEX sqs_messages_expiry ON sqs_messages (expires_at);

-- FIFO message groups with messages: when each may deliver next (its head after any delay, and
-- after every in-flight message of the group is deleted or visible again).
CREATE TABLE sqs_fifo_groups (
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL,
  head_seq INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, group_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sqs_fifo_groups_available ON sqs_fifo_groups (queue_id, available_at, head_seq);

-- FIFO deduplication ids seen in the last 5 minutes (scope: the queue, or queue + group).
CREATE TABLE sqs_dedup (
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  scope_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number TEXT,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, scope_key)
) STRICT, WITHOUT ROWID;

-- FIFO ReceiveRequestAttemptId: a retried receive within 5 minutes gets the same messages.
CREATE TABLE sqs_receive_attempts (
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  attempt_id TEXT NOT NULL,
  -- JSON: [[seq, receipt], ...]
  messages TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, attempt_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sqs_move_tasks (
  handle TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  source_arn TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second INTEGER,
  status TEXT NOT NULL,
  moved INTEGER NOT NULL DEFAULT 0,
  to_move INTEGER NOT NULL,
  failure_reason TEXT,
  started_at INTEGER NOT NULL,
  -- Messages sent to the source before this are the ones the task moves.
  cutoff_seq INTEGER NOT NULL
) STRICT;
CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (account, region, source_arn, started_at);
