-- uptake schema 8: when the capture that gave a video its title, caption,
-- link and duration was made (UTC seconds; NULL when no source said), so
-- that a capture older than the stored one, imported later, does not
-- replace them: the newest capture wins for what describes a video, as the
-- latest observation does for its counts.
ALTER TABLE videos ADD COLUMN meta_at INTEGER;
