-- code: 2.2
-- libelle: Nombre et taux de solutions ad hoc développées avec les partenaires
-- objectif: 2
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = Prop[ad_hoc=oui]; numerateur = Prop[ad_hoc=oui]; denominateur = Prop
-- libelle_court: Solutions ad hoc avec les partenaires
-- section: propositions
-- compte: propositions
-- taux: part des propositions faites pour les demandes de la période
-- explication: Les solutions construites sur mesure avec les partenaires, rapportées à toutes les
--   solutions proposées pour les demandes de la période.
-- entrees: propositions.ad_hoc_partenaires
-- definition: N = propositions de la période (règle de cohorte : leur sollicitation est dans la
--   période) qui sont des solutions ad hoc développées avec les partenaires
--   (ad_hoc_partenaires = oui). Taux = N / |Prop|.

WITH Prop AS (
    -- Règle de cohorte : chaque proposition porte la date et le territoire de sa
    -- sollicitation (recopiés à l'import et tenus à jour par la base).
    SELECT *
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT total(ad_hoc_partenaires) AS valeur,
       total(ad_hoc_partenaires) AS numerateur,
       count(*) AS denominateur
FROM Prop;
