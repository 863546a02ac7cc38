-- code: 1.4
-- libelle: Nombre et taux de solutions d'accompagnement proposées à partir des évaluations préexistantes
-- objectif: 1
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = Prop[evaluation=oui]; numerateur = Prop[evaluation=oui]; denominateur = Prop
-- libelle_court: Solutions issues d'évaluations préexistantes
-- section: propositions
-- compte: propositions
-- taux: part des propositions faites pour les demandes de la période
-- explication: Les solutions proposées qui s'appuient sur une évaluation déjà faite, rapportées à
--   toutes les solutions proposées pour les demandes de la période.
-- entrees: propositions.evaluation_preexistante
-- definition: Prop = propositions dont la sollicitation est dans la période (règle de cohorte).
--   N = propositions de Prop construites à partir d'évaluations préexistantes
--   (evaluation_preexistante = oui). Taux = N / |Prop|.

WITH Prop AS (
    -- Règle de cohorte : chaque proposition porte la date et le territoire de sa
    -- sollicitation (recopiés à l'import et tenus à jour par la base).
    SELECT *
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT total(evaluation_preexistante) AS valeur,
       total(evaluation_preexistante) AS numerateur,
       count(*) AS denominateur
FROM Prop;
