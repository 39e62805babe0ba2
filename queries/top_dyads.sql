-- Top source -> target dyads: events and fatalities per directed actor pair.
-- usage: newsevents sql queries/top_dyads.sql --warehouse DIR
SELECT s.name AS source, s.country_code AS source_country, s.sector AS source_sector,
       t.name AS target, t.country_code AS target_country, t.sector AS target_sector,
       count(*) AS events, sum(coalesce(e.fatalities, 0)) AS fatalities,
       list(DISTINCT e.event_type ORDER BY e.event_type) AS types
FROM events e
JOIN actors s ON s.actor_id = e.source_actor_id
JOIN actors t ON t.actor_id = e.target_actor_id
GROUP BY ALL
ORDER BY events DESC, fatalities DESC, source, target
LIMIT 20
