-- code: x.age
-- libelle: Sollicitations par tranche d'âge de la personne concernée
-- objectif: complementaire
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: moins_16, 16_21, plus_21, non_renseigne
-- comptes: valeur = S; repartition = S par age
-- libelle_court: Sollicitations par tranche d'âge
-- section: complementaires
-- compte: sollicitations
-- repartition: Tranche d'âge
-- explication: Les demandes reçues selon l'âge de la personne concernée.
-- entrees: sollicitations.tranche_age
-- definition: Nombre de sollicitations de la période par tranche d'âge de la personne
--   concernée (moins de 16 ans, 16 à 21 ans, plus de 21 ans, non renseigné), et part de
--   chaque tranche dans le total.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires));

WITH S AS (
    SELECT tranche_age
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT coalesce(tranche_age, 'non_renseigne') AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM S
GROUP BY tranche_age;
