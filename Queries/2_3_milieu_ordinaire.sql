-- code: 2.3
-- libelle: Nombre et taux de solutions incluant du milieu ordinaire
-- objectif: 2
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = Prop[milieu_ordinaire=oui]; numerateur = Prop[milieu_ordinaire=oui]; denominateur = Prop
-- libelle_court: Solutions incluant du milieu ordinaire
-- section: propositions
-- compte: propositions
-- taux: part des propositions faites pour les demandes de la période
-- explication: Les solutions qui incluent le milieu ordinaire, rapportées à toutes les solutions
--   proposées pour les demandes de la période.
-- entrees: propositions.milieu_ordinaire
-- definition: N = propositions de la période (règle de cohorte) incluant du milieu ordinaire
--   (milieu_ordinaire = oui). Taux = N / |Prop|.

WITH Prop AS (
    -- Règle de cohorte : chaque proposition porte la date et le territoire de sa
    -- sollicitation (recopiés à l'import et tenus à jour par la base).
    SELECT *
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT total(milieu_ordinaire) AS valeur,
       total(milieu_ordinaire) AS numerateur,
       count(*) AS denominateur
FROM Prop;
