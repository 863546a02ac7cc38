-- code: 1.5
-- libelle: Nombre et taux de solutions d'accompagnement proposées
-- objectif: 1
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = Prop; numerateur = S[type=recherche_solution, proposition=oui];
--   denominateur = S[type=recherche_solution]
-- libelle_court: Solutions proposées
-- section: propositions
-- compte: propositions
-- taux: part des demandes de recherche de solution ayant reçu au moins une proposition
-- explication: Les solutions proposées pour les demandes reçues dans la période, quelle que soit la
--   date de la proposition ; le taux dit quelle part des demandes de recherche de solution en a
--   reçu au moins une.
-- entrees: propositions, sollicitations.type_demande
-- definition: Nombre = |Prop|, les propositions dont la sollicitation est dans la période.
--   Taux = sollicitations de recherche de solution (R) ayant reçu au moins une proposition,
--   rapportées à |R|.

WITH R AS (
    SELECT id_sollicitation
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
      AND type_demande = 'recherche_solution'
),
Prop AS (
    -- Règle de cohorte : chaque proposition porte la date et le territoire de sa
    -- sollicitation (recopiés à l'import et tenus à jour par la base).
    SELECT id_sollicitation
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT (SELECT count(*) FROM Prop) AS valeur,
       (SELECT count(*) FROM R WHERE id_sollicitation IN (SELECT id_sollicitation FROM Prop)) AS numerateur,
       (SELECT count(*) FROM R) AS denominateur;
