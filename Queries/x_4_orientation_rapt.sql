-- code: x.rapt
-- libelle: Orientations vers la cellule RAPT / situations alarmantes de la MDPH
-- objectif: complementaire
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: oui, non, non_renseigne
-- comptes: valeur = S[rapt=oui]; numerateur = S[rapt=oui]; denominateur = S; repartition = S par rapt
-- libelle_court: Orientations vers la RAPT
-- section: complementaires
-- compte: sollicitations
-- taux: part des sollicitations de la période
-- repartition: Orientation vers la RAPT
-- explication: Les demandes orientées vers la cellule de la réponse accompagnée pour tous
--   (situations alarmantes) de la MDPH.
-- cle.oui: Orientée vers la RAPT
-- cle.non: Non orientée
-- entrees: sollicitations.orientation_rapt
-- definition: N = sollicitations de la période orientées vers la cellule RAPT / situations
--   alarmantes de la MDPH (orientation_rapt = oui). Taux = N / nombre de sollicitations de la
--   période. Répartition : oui, non, non renseigné.

WITH S AS (
    SELECT orientation_rapt
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT count(*) FILTER (WHERE orientation_rapt = 1) AS valeur,
       count(*) FILTER (WHERE orientation_rapt = 1) AS numerateur,
       count(*) AS denominateur
FROM S;

WITH S AS (
    SELECT orientation_rapt
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT CASE orientation_rapt WHEN 1 THEN 'oui' WHEN 0 THEN 'non' ELSE 'non_renseigne' END AS cle,
       count(*) AS n, sum(count(*)) OVER () AS base
FROM S
GROUP BY orientation_rapt;
