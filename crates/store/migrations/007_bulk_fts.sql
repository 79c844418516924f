-- uptake schema 7: the comment search index is filled once per import, not
-- once per comment. Per-row triggers made every inserted comment flush
-- FTS5's pending terms to disk (each trigger statement opens a savepoint,
-- and FTS5 flushes at every savepoint): a fifth of a large Zeeschuimer
-- import's time (bench/zeeschuimer.sh). `ImportTx::commit` now indexes the
-- import's new comments in one statement, and `ImportTx::comment` re-indexes
-- an older comment whose text a later capture changed. Deleting a comment
-- (`uptake forget`) still removes it from the index through the trigger.
DROP TRIGGER comments_fts_insert;
DROP TRIGGER comments_fts_update;
