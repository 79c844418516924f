-- uptake schema 6: an index the web app's video page needs (bench/web.sh).
-- Videos are looked up by platform id alone (`/videos/{id}`, the comment
-- list's video filter); the UNIQUE (platform, platform_id) index cannot
-- serve that, so each lookup read all 100,000 videos.
CREATE INDEX videos_platform_id ON videos(platform_id);
