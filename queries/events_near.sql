-- Events within N km of a point (great-circle distance), nearest first.
-- usage: newsevents sql queries/events_near.sql --warehouse DIR --param lat=34.6 --param lon=44.3 --param km=100
SELECT e.event_date, e.event_type, s.name AS source, t.name AS target, l.name AS place,
       round(2 * 6371 * asin(sqrt(pow(sin(radians(l.latitude - CAST($lat AS DOUBLE)) / 2), 2)
             + cos(radians(CAST($lat AS DOUBLE))) * cos(radians(l.latitude))
             * pow(sin(radians(l.longitude - CAST($lon AS DOUBLE)) / 2), 2))), 1) AS km,
       e.fatalities, e.evidence
FROM events e
JOIN locations l ON l.location_id = e.location_id
LEFT JOIN actors s ON s.actor_id = e.source_actor_id
LEFT JOIN actors t ON t.actor_id = e.target_actor_id
WHERE l.latitude IS NOT NULL
  AND 2 * 6371 * asin(sqrt(pow(sin(radians(l.latitude - CAST($lat AS DOUBLE)) / 2), 2)
      + cos(radians(CAST($lat AS DOUBLE))) * cos(radians(l.latitude))
      * pow(sin(radians(l.longitude - CAST($lon AS DOUBLE)) / 2), 2))) <= CAST($km AS DOUBLE)
ORDER BY km, e.event_date
