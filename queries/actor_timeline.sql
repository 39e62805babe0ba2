-- An actor's timeline: every event where the actor (name or alias, case-insensitive substring) is source or
-- target, oldest first, with the other side, place and evidence.
-- usage: newsevents sql queries/actor_timeline.sql --warehouse DIR --param actor="Islamic State"
WITH a AS (
    SELECT actor_id FROM actors
    WHERE lower(name) LIKE '%' || lower($actor) || '%'
       OR list_contains(list_transform(aliases, lambda x: lower(x)), lower($actor))
),
e AS (
    SELECT *, 'source' AS role FROM events WHERE source_actor_id IN (SELECT actor_id FROM a)
    UNION ALL
    SELECT *, 'target' AS role FROM events WHERE target_actor_id IN (SELECT actor_id FROM a)
)
SELECT e.event_date, e.date_precision, e.event_type, e.event_mode, e.role,
       CASE WHEN e.role = 'source' THEN t.name ELSE s.name END AS other_side,
       l.name AS place, e.fatalities, e.evidence
FROM e
LEFT JOIN actors s ON s.actor_id = e.source_actor_id
LEFT JOIN actors t ON t.actor_id = e.target_actor_id
LEFT JOIN locations l ON l.location_id = e.location_id
ORDER BY e.event_date, e.event_type, e.role
