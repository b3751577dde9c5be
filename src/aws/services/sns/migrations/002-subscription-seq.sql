-- Subscribe takes the next sequence number as MAX(seq) + 1 inside its INSERT (no counter in memory).
CREATE INDEX sns_subscriptions_by_seq ON sns_subscriptions (seq);
