-- uptake schema 5: team accounts, sessions, audit log (in progress)
SELECT 1;
