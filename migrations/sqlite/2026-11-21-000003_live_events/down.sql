DROP TABLE live_events_meta;
DROP INDEX live_events_created;
DROP TABLE live_events;
