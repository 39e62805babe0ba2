-- Events per day by PLOVER type (asserted and reported events; negated and hypothetical ones left out).
-- usage: newsevents sql queries/events_per_day_by_type.sql --warehouse DIR
SELECT event_date, event_type, count(*) AS events, sum(coalesce(fatalities, 0)) AS fatalities
FROM events
WHERE modality IN ('asserted', 'reported')
GROUP BY ALL
ORDER BY event_date DESC, events DESC, event_type
