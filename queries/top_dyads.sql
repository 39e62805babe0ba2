-- Top source -> target dyads: events and fatalities per directed actor pair (counted on ids; names and the
-- event types of the top 20 pairs are looked up afterwards).
-- usage: newsevents sql queries/top_dyads.sql --warehouse DIR
WITH d AS (
    SELECT source_actor_id, target_actor_id, count(*) AS events, sum(coalesce(fatalities, 0)) AS fatalities
    FROM events
    WHERE source_actor_id IS NOT NULL AND target_actor_id IS NOT NULL
    GROUP BY ALL
    ORDER BY events DESC, fatalities DESC, source_actor_id, target_actor_id
    LIMIT 20
),
ty AS (
    SELECT e.source_actor_id, e.target_actor_id, list(DISTINCT e.event_type ORDER BY e.event_type) AS types
    FROM events e
    WHERE e.source_actor_id IN (SELECT source_actor_id FROM d) AND e.target_actor_id IN (SELECT target_actor_id FROM d)
    GROUP BY ALL
)
SELECT s.name AS source, s.country_code AS source_country, s.sector AS source_sector,
       t.name AS target, t.country_code AS target_country, t.sector AS target_sector,
       d.events, d.fatalities, ty.types
FROM d
JOIN ty USING (source_actor_id, target_actor_id)
JOIN actors s ON s.actor_id = d.source_actor_id
JOIN actors t ON t.actor_id = d.target_actor_id
ORDER BY d.events DESC, d.fatalities DESC, source, target
