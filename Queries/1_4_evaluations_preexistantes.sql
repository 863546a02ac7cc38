-- code: 1.4
-- libelle: Nombre et taux de solutions d'accompagnement proposées à partir des évaluations préexistantes
-- objectif: 1
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- definition: Prop = propositions dont la sollicitation est dans la période (règle de cohorte).
--   N = propositions de Prop construites à partir d'évaluations préexistantes
--   (evaluation_preexistante = oui). Taux = N / |Prop|.

WITH S AS (
    SELECT id_sollicitation
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
),
Prop AS (
    SELECT p.* FROM propositions p JOIN S ON S.id_sollicitation = p.id_sollicitation
)
SELECT total(evaluation_preexistante) AS valeur,
       total(evaluation_preexistante) AS numerateur,
       count(*) AS denominateur
FROM Prop;
