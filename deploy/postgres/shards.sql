-- The two shard databases the compose cluster's nodes use (storage.postgresUrls). Run once, by
-- the postgres image, when its data volume is new.
CREATE DATABASE parley_shard0;
CREATE DATABASE parley_shard1;
