-- GDELT-shaped rows (view gdelt_events; see queries/views/gdelt_events.sql for the conventions), unordered.
-- usage: newsevents sql queries/gdelt_export.sql --warehouse DIR --format csv --output events.gdelt.csv
SELECT * FROM gdelt_events
