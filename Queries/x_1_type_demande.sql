-- code: x.type
-- libelle: Sollicitations par type de demande
-- objectif: complementaire
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: information, orientation, recherche_solution
-- comptes: valeur = S; repartition = S par type
-- libelle_court: Sollicitations par type de demande
-- section: complementaires
-- compte: sollicitations
-- repartition: Type de demande
-- explication: Les demandes reçues selon leur type : information, orientation ou recherche de
--   solution.
-- entrees: sollicitations.type_demande
-- definition: Nombre de sollicitations de la période par type de demande (information,
--   orientation, recherche de solution), et part de chaque type dans le total.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires));

WITH S AS (
    SELECT type_demande
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT type_demande AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM S
GROUP BY type_demande;
