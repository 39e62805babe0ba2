-- Top source -> target dyads: events and fatalities per directed actor pair, with the event types seen
-- (one pass over events, counted on ids; names are looked up for the top 20 pairs only).
-- usage: newsevents sql queries/top_dyads.sql --warehouse DIR
WITH d AS (
    SELECT source_actor_id, target_actor_id, count(*) AS events, sum(coalesce(fatalities, 0)) AS fatalities,
           bit_or(CASE event_type WHEN 'AGREE' THEN 1 WHEN 'CONSULT' THEN 2 WHEN 'SUPPORT' THEN 4
                  WHEN 'CONCEDE' THEN 8 WHEN 'COOPERATE' THEN 16 WHEN 'AID' THEN 32 WHEN 'RETREAT' THEN 64
                  WHEN 'REQUEST' THEN 128 WHEN 'ACCUSE' THEN 256 WHEN 'REJECT' THEN 512 WHEN 'THREATEN' THEN 1024
                  WHEN 'PROTEST' THEN 2048 WHEN 'SANCTION' THEN 4096 WHEN 'MOBILIZE' THEN 8192
                  WHEN 'COERCE' THEN 16384 WHEN 'ASSAULT' THEN 32768 ELSE 0 END) AS type_bits
    FROM events
    WHERE source_actor_id IS NOT NULL AND target_actor_id IS NOT NULL
    GROUP BY ALL
    ORDER BY events DESC, fatalities DESC, source_actor_id, target_actor_id
    LIMIT 20
)
SELECT s.name AS source, s.country_code AS source_country, s.sector AS source_sector,
       t.name AS target, t.country_code AS target_country, t.sector AS target_sector,
       d.events, d.fatalities,
       list_sort(list_filter(['AGREE', 'CONSULT', 'SUPPORT', 'CONCEDE', 'COOPERATE', 'AID', 'RETREAT', 'REQUEST',
                              'ACCUSE', 'REJECT', 'THREATEN', 'PROTEST', 'SANCTION', 'MOBILIZE', 'COERCE', 'ASSAULT'],
                             lambda x, i: (d.type_bits >> (i - 1)) & 1 = 1)) AS types
FROM d
JOIN actors s ON s.actor_id = d.source_actor_id
JOIN actors t ON t.actor_id = d.target_actor_id
ORDER BY d.events DESC, d.fatalities DESC, source, target
