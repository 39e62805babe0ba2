-- Top source -> target dyads: events and fatalities per directed actor pair, with the event types seen.
-- Reads the `dyads` summary (rebuilt from all events at every publish), so it does not scan the events.
-- usage: newsevents sql queries/top_dyads.sql --warehouse DIR
SELECT s.name AS source, s.country_code AS source_country, s.sector AS source_sector,
       t.name AS target, t.country_code AS target_country, t.sector AS target_sector,
       d.events, d.fatalities, d.first_date, d.last_date, d.event_types AS types
FROM (SELECT * FROM dyads ORDER BY events DESC, fatalities DESC, source_actor_id, target_actor_id LIMIT 20) d
JOIN actors s ON s.actor_id = d.source_actor_id
JOIN actors t ON t.actor_id = d.target_actor_id
ORDER BY d.events DESC, d.fatalities DESC, source, target
