-- View acled_events: our events in ACLED's column names and codes, as far as our data supports them.
--   * event_type / sub_event_type come from a crosswalk of PLOVER type and mode (below): ASSAULT on armed actors
--     is "Battles", with explosives/aerial/drone/heavy weapons "Explosions/Remote violence", on civilians
--     "Violence against civilians"; PROTEST is "Protests" ("Riots" for mode riot); MOBILIZE, COERCE, SANCTION,
--     AGREE, RETREAT ... are "Strategic developments". Events ACLED would not record (statements: ACCUSE,
--     REQUEST, SUPPORT, CONSULT, REJECT, THREATEN) are left out.
--   * inter1/inter2: ACLED actor type codes from our sector (1 state forces, 2 rebels, 3 political militias,
--     5 rioters, 6 protesters, 7 civilians, 8 external/other).
--   * time_precision 1 day, 2 week, 3 month or year; geo_precision 1 point, 2 admin2, 3 admin1/region/country.
--   * iso is ISO alpha-3 (ACLED: numeric); notes is the evidence sentence; fatalities the best estimate.
CREATE OR REPLACE VIEW acled_events AS
WITH x AS (
    SELECT e.*, s.name AS s_name, s.sector AS s_sector, t.name AS t_name, t.sector AS t_sector, l.name AS l_name,
           l.country_code AS l_iso, l.admin1 AS l_admin1, l.latitude AS l_lat, l.longitude AS l_lon,
           l.precision AS l_precision, a.sitename, a.published_at,
           CASE
               WHEN e.event_type = 'ASSAULT' AND e.event_mode IN ('explosives', 'aerial', 'drone', 'heavy-weapons',
                                                                  'suicide-attack') THEN 'Explosions/Remote violence'
               WHEN e.event_type = 'ASSAULT' AND t.sector IN ('MIL', 'REB', 'INS', 'COP', 'SPY') THEN 'Battles'
               WHEN e.event_type = 'ASSAULT' THEN 'Violence against civilians'
               WHEN e.event_type = 'PROTEST' AND e.event_mode = 'riot' THEN 'Riots'
               WHEN e.event_type = 'PROTEST' THEN 'Protests'
               WHEN e.event_type IN ('MOBILIZE', 'COERCE', 'SANCTION', 'AGREE', 'RETREAT', 'CONCEDE', 'AID',
                                     'COOPERATE') THEN 'Strategic developments'
           END AS acled_type
    FROM events e
    JOIN articles a USING (article_id)
    LEFT JOIN actors s ON s.actor_id = e.source_actor_id
    LEFT JOIN actors t ON t.actor_id = e.target_actor_id
    LEFT JOIN locations l ON l.location_id = e.location_id
)
SELECT
    x.event_id AS event_id_cnty,
    x.event_date,
    year(x.event_date) AS "year",
    CASE x.date_precision WHEN 'day' THEN 1 WHEN 'week' THEN 2 ELSE 3 END AS time_precision,
    x.acled_type AS event_type,
    CASE
        WHEN x.acled_type = 'Battles' THEN 'Armed clash'
        WHEN x.event_mode = 'aerial' THEN 'Air/drone strike'
        WHEN x.event_mode = 'drone' THEN 'Air/drone strike'
        WHEN x.event_mode = 'heavy-weapons' THEN 'Shelling/artillery/missile attack'
        WHEN x.event_mode IN ('explosives', 'suicide-attack') THEN 'Remote explosive/landmine/IED'
        WHEN x.acled_type = 'Violence against civilians' AND x.event_mode = 'abduct' THEN 'Abduction/forced disappearance'
        WHEN x.acled_type = 'Violence against civilians' THEN 'Attack'
        WHEN x.acled_type = 'Protests' AND x.event_type = 'ASSAULT' THEN 'Excessive force against protesters'
        WHEN x.acled_type = 'Protests' THEN 'Peaceful protest'
        WHEN x.acled_type = 'Riots' THEN 'Violent demonstration'
        WHEN x.event_type = 'COERCE' AND x.event_mode IN ('arrest', 'detain') THEN 'Arrests'
        WHEN x.event_type = 'AGREE' THEN 'Agreement'
        WHEN x.event_type = 'RETREAT' THEN 'Non-violent transfer of territory'
        ELSE 'Other'
    END AS sub_event_type,
    x.s_name AS actor1,
    CASE WHEN x.s_sector IN ('GOV', 'MIL', 'COP', 'SPY', 'JUD', 'LEG') THEN 1 WHEN x.s_sector IN ('REB', 'INS') THEN 2
         WHEN x.s_sector = 'CRM' THEN 3 WHEN x.s_sector = 'CVL' AND x.event_type = 'PROTEST' THEN 6
         WHEN x.s_sector IN ('CVL', 'REF', 'MED', 'HLH', 'EDU', 'LAB') THEN 7 WHEN x.s_name IS NULL THEN NULL ELSE 8 END AS inter1,
    x.t_name AS actor2,
    CASE WHEN x.t_sector IN ('GOV', 'MIL', 'COP', 'SPY', 'JUD', 'LEG') THEN 1 WHEN x.t_sector IN ('REB', 'INS') THEN 2
         WHEN x.t_sector = 'CRM' THEN 3 WHEN x.t_sector IN ('CVL', 'REF', 'MED', 'HLH', 'EDU', 'LAB') THEN 7
         WHEN x.t_name IS NULL THEN NULL ELSE 8 END AS inter2,
    CASE WHEN x.t_sector IN ('CVL', 'REF', 'MED', 'HLH', 'EDU', 'LAB') AND x.event_type = 'ASSAULT'
         THEN 'Civilian targeting' END AS civilian_targeting,
    x.l_iso AS iso,
    c.name AS country,
    x.l_admin1 AS admin1,
    x.l_name AS location,
    x.l_lat AS latitude,
    x.l_lon AS longitude,
    CASE x.l_precision WHEN 'point' THEN 1 WHEN 'admin2' THEN 2 ELSE 3 END AS geo_precision,
    x.sitename AS source,
    x.evidence AS notes,
    coalesce(x.fatalities, 0) AS fatalities,
    epoch(x.published_at) AS "timestamp"
FROM x
LEFT JOIN countries c ON c.iso3 = x.l_iso
WHERE x.acled_type IS NOT NULL;
