-- IAM users' access keys can be deactivated (UpdateAccessKey): an Inactive key no longer names its
-- user. Deleted keys are deleted rows. Every key issued before IAM existed is Active.
ALTER TABLE access_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'Active';
