-- ACLED-shaped rows (view acled_events; see queries/views/acled_events.sql for the crosswalk), unordered.
-- usage: newsevents sql queries/acled_export.sql --warehouse DIR --format csv --output events.acled.csv
SELECT * FROM acled_events
