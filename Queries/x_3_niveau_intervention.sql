-- code: x.niveau
-- libelle: Sollicitations par niveau d'intervention
-- objectif: complementaire
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: 1, 2, 3, non_renseigne
-- comptes: valeur = S; repartition = S par niveau
-- libelle_court: Sollicitations par niveau d'intervention
-- section: complementaires
-- compte: sollicitations
-- repartition: Niveau d'intervention
-- explication: Les demandes reçues selon le niveau auquel elles ont été traitées : acteurs de
--   proximité, équipe de la C360 et staffs territoriaux, ou outils de la réponse accompagnée pour
--   tous.
-- entrees: sollicitations.niveau_intervention
-- definition: Nombre de sollicitations de la période par niveau d'intervention (convention du
--   Pas-de-Calais : 1 acteurs de proximité, 2 équipe départementale de la C360 et staffs
--   territoriaux, 3 outils de la RAPT — cellule situations alarmantes, PAG, GOS), non
--   renseigné quand le niveau est vide ; part de chaque niveau dans le total.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires));

WITH S AS (
    SELECT niveau_intervention
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT coalesce(CAST(niveau_intervention AS TEXT), 'non_renseigne') AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM S
GROUP BY niveau_intervention;
