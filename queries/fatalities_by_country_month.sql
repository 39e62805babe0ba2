-- Fatalities by country (of the event's place) and month; events without a place are counted under NULL.
-- usage: newsevents sql queries/fatalities_by_country_month.sql --warehouse DIR
SELECT l.country_code, date_trunc('month', e.event_date) AS month,
       count(*) FILTER (WHERE e.fatalities > 0) AS lethal_events,
       sum(coalesce(e.fatalities, 0)) AS fatalities
FROM events e
LEFT JOIN locations l ON l.location_id = e.location_id
WHERE e.event_type = 'ASSAULT' AND e.modality IN ('asserted', 'reported')
GROUP BY ALL
ORDER BY month DESC, fatalities DESC
