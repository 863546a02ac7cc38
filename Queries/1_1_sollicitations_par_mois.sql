-- code: 1.1
-- libelle: Nombre total de sollicitations reçues chaque mois
-- objectif: 1
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- comptes: valeur = S; repartition = S par mois
-- libelle_court: Sollicitations reçues
-- section: activite
-- compte: sollicitations
-- repartition: Mois
-- explication: Toutes les demandes reçues dans la période, quel que soit leur type, au total et
--   mois par mois.
-- entrees: sollicitations
-- definition: Nombre de sollicitations dont la date de réception (date_sollicitation) est dans
--   la période, au total et pour chaque mois de la période (les mois sans sollicitation
--   comptent zéro). Toutes les sollicitations comptent, quel que soit leur type.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires));

-- Répartition : chaque mois de la période, zéros compris.
WITH RECURSIVE mois(premier_jour) AS (
    SELECT date(:debut, 'start of month')
    UNION ALL
    SELECT date(premier_jour, '+1 month') FROM mois WHERE date(premier_jour, '+1 month') <= :fin
),
par_mois AS (
    SELECT substr(date_sollicitation, 1, 7) AS mois, count(*) AS n
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY mois
)
SELECT substr(m.premier_jour, 1, 7) AS cle, coalesce(p.n, 0) AS n, NULL AS base
FROM mois m LEFT JOIN par_mois p ON p.mois = substr(m.premier_jour, 1, 7)
ORDER BY cle;
