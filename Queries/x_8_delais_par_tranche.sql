-- code: x.delais
-- libelle: Délais jusqu'à la première proposition, par tranche
-- objectif: complementaire
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: 0-7, 8-15, 16-30, 31-60, 61-90, plus_90
-- comptes: valeur = S[proposition=oui]; repartition = S[proposition=oui] par delai
-- contraintes: S[proposition=oui] <= Prop
-- libelle_court: Sollicitations ayant reçu une proposition, par délai
-- section: delais
-- compte: sollicitations ayant reçu une proposition
-- repartition: Délai jusqu'à la première proposition
-- explication: Les demandes de la période qui ont reçu une proposition, selon le nombre de jours
--   écoulés jusqu'à la première : de 0 à 7 jours, de 8 à 15, de 16 à 30, de 31 à 60, de 61 à 90,
--   plus de 90.
-- entrees: propositions.date_proposition
-- definition: Les délais de l'indicateur 1.7 (sollicitations de la période ayant au moins une
--   proposition) répartis en tranches de jours calendaires : 0 à 7, 8 à 15, 16 à 30, 31 à 60,
--   61 à 90, plus de 90 ; part de chaque tranche parmi ces sollicitations.

WITH delais AS (
    -- Une ligne par sollicitation de la période ayant au moins une proposition (chaque
    -- proposition porte la date et le territoire de sa sollicitation).
    SELECT CAST(julianday(min(date_proposition)) - julianday(date_sollicitation) AS INTEGER) AS delai
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY territoire, date_sollicitation, id_sollicitation
)
SELECT count(*) AS valeur FROM delais;

WITH delais AS (
    -- Une ligne par sollicitation de la période ayant au moins une proposition (chaque
    -- proposition porte la date et le territoire de sa sollicitation).
    SELECT CAST(julianday(min(date_proposition)) - julianday(date_sollicitation) AS INTEGER) AS delai
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY territoire, date_sollicitation, id_sollicitation
)
SELECT CASE
           WHEN delai IS NULL THEN 'non_renseigne'
           WHEN delai <= 7 THEN '0-7'
           WHEN delai <= 15 THEN '8-15'
           WHEN delai <= 30 THEN '16-30'
           WHEN delai <= 60 THEN '31-60'
           WHEN delai <= 90 THEN '61-90'
           ELSE 'plus_90'
       END AS cle,
       count(*) AS n,
       sum(count(*)) OVER () AS base
FROM delais
GROUP BY cle;
