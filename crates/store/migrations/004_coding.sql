-- uptake schema 4: content-analysis coding (in progress)
SELECT 1;
