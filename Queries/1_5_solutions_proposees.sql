-- code: 1.5
-- libelle: Nombre et taux de solutions d'accompagnement proposées
-- objectif: 1
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- definition: Nombre = |Prop|, les propositions dont la sollicitation est dans la période.
--   Taux = sollicitations de recherche de solution (R) ayant reçu au moins une proposition,
--   rapportées à |R|.

WITH S AS (
    SELECT id_sollicitation, type_demande
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
),
R AS (
    SELECT id_sollicitation FROM S WHERE type_demande = 'recherche_solution'
)
SELECT (SELECT count(*) FROM propositions p JOIN S ON S.id_sollicitation = p.id_sollicitation) AS valeur,
       (SELECT count(*) FROM R
        WHERE EXISTS (SELECT 1 FROM propositions p WHERE p.id_sollicitation = R.id_sollicitation)) AS numerateur,
       (SELECT count(*) FROM R) AS denominateur;
