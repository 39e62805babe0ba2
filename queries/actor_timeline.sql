-- An actor's timeline: every event where the actor (name or alias, case-insensitive substring) is source or
-- target, oldest first, with the other side, place and evidence.
-- usage: newsevents sql queries/actor_timeline.sql --warehouse DIR --param actor="Islamic State"
SELECT e.event_date, e.date_precision, e.event_type, e.event_mode,
       CASE WHEN s.actor_id = a.actor_id THEN 'source' ELSE 'target' END AS role,
       CASE WHEN s.actor_id = a.actor_id THEN t.name ELSE s.name END AS other_side,
       l.name AS place, e.fatalities, e.evidence
FROM actors a
JOIN events e ON a.actor_id IN (e.source_actor_id, e.target_actor_id)
LEFT JOIN actors s ON s.actor_id = e.source_actor_id
LEFT JOIN actors t ON t.actor_id = e.target_actor_id
LEFT JOIN locations l ON l.location_id = e.location_id
WHERE lower(a.name) LIKE '%' || lower($actor) || '%'
   OR list_contains(list_transform(a.aliases, lambda x: lower(x)), lower($actor))
ORDER BY e.event_date, e.event_type
