-- View gdelt_events: our events in the column names and conventions of the GDELT 2.0 Events table, as far as
-- our data supports them. Differences a GDELT user must know:
--   * EventCode/EventBaseCode/EventRootCode are the CAMEO *root* code (two digits); we code PLOVER, not full CAMEO.
--   * Actor*CountryCode and ActionGeo_CountryCode are ISO 3166 alpha-3 (GDELT: CAMEO codes for actors, FIPS for places).
--   * Actor*Type1Code is the CAMEO agent/sector code (GOV, MIL, REB ...).
--   * SQLDATE is the event's own date (not the publication date); Date_Precision says day/week/month/year.
--   * NumMentions/NumSources/NumArticles count the copies of the event sentence among non-duplicate articles is
--     not attempted: each row is one coded event in one article (1/1/1). AvgTone is null.
--   * ActionGeo_Type: 1 country, 4 world city/point, 5 world admin region (GDELT's US-specific 2/3 are not used).
CREATE OR REPLACE VIEW gdelt_events AS
SELECT
    e.event_id                                            AS GLOBALEVENTID,
    CAST(strftime(e.event_date, '%Y%m%d') AS INTEGER)     AS SQLDATE,
    CAST(strftime(e.event_date, '%Y%m') AS INTEGER)       AS MonthYear,
    year(e.event_date)                                    AS "Year",
    s.actor_id AS Actor1Code, s.name AS Actor1Name, s.country_code AS Actor1CountryCode, s.sector AS Actor1Type1Code,
    t.actor_id AS Actor2Code, t.name AS Actor2Name, t.country_code AS Actor2CountryCode, t.sector AS Actor2Type1Code,
    1                                                     AS IsRootEvent,
    e.cameo_root AS EventCode, e.cameo_root AS EventBaseCode, e.cameo_root AS EventRootCode,
    e.quad_class AS QuadClass, e.intensity AS GoldsteinScale,
    1 AS NumMentions, 1 AS NumSources, 1 AS NumArticles, CAST(NULL AS DOUBLE) AS AvgTone,
    CASE l.feature_kind WHEN 'country' THEN 1 WHEN 'city' THEN 4 WHEN NULL THEN NULL ELSE 5 END AS ActionGeo_Type,
    l.name AS ActionGeo_FullName, l.country_code AS ActionGeo_CountryCode, l.admin1 AS ActionGeo_ADM1Code,
    l.latitude AS ActionGeo_Lat, l.longitude AS ActionGeo_Long, l.geonames_id AS ActionGeo_FeatureID,
    CAST(strftime(a.published_at, '%Y%m%d%H%M%S') AS BIGINT) AS DATEADDED,
    a.url AS SOURCEURL,
    -- ours, beyond GDELT
    e.event_type AS PLOVER_Type, e.event_mode AS PLOVER_Mode, e.date_precision AS Date_Precision,
    e.fatalities AS Fatalities, e.evidence AS Evidence
FROM events e
JOIN articles a USING (article_id)
LEFT JOIN actors s ON s.actor_id = e.source_actor_id
LEFT JOIN actors t ON t.actor_id = e.target_actor_id
LEFT JOIN locations l ON l.location_id = e.location_id;
