-- code: x.personnes
-- libelle: Personnes distinctes et sollicitations répétées
-- objectif: complementaire
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: une_sollicitation, plusieurs_sollicitations
-- definition: Valeur = nombre de personnes distinctes (pseudonyme de personne_id) ayant fait
--   au moins une sollicitation dans la période. Taux = personnes revenues (au moins deux
--   sollicitations dans la période) / personnes distinctes. Statistique : nombre moyen de
--   sollicitations par personne.

WITH par_personne AS (
    SELECT personne, count(*) AS n
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY personne
)
SELECT count(*) AS valeur,
       count(*) FILTER (WHERE n >= 2) AS numerateur,
       count(*) AS denominateur,
       avg(n) AS sollicitations_par_personne
FROM par_personne;

WITH par_personne AS (
    SELECT personne, count(*) AS n
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY personne
)
SELECT CASE WHEN n >= 2 THEN 'plusieurs_sollicitations' ELSE 'une_sollicitation' END AS cle,
       count(*) AS n, sum(count(*)) OVER () AS base
FROM par_personne
GROUP BY cle;
