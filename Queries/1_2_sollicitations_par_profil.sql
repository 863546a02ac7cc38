-- code: 1.2
-- libelle: Répartition des sollicitations selon le profil de la personne concernée (enfant en SH, adulte en SH, aidant, professionnel)
-- objectif: 1
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: enfant_sh, adulte_sh, aidant, professionnel
-- comptes: valeur = S; repartition = S par profil
-- libelle_court: Sollicitations par profil
-- section: profils
-- compte: sollicitations
-- repartition: Profil de la personne concernée
-- explication: Les demandes reçues, selon que la personne concernée est un enfant ou un adulte en
--   situation de handicap, un aidant ou un professionnel, et la part de chaque profil.
-- entrees: sollicitations.profil
-- definition: Nombre de sollicitations de la période par profil de la personne concernée
--   (enfant en situation de handicap, adulte en situation de handicap, aidant, professionnel),
--   et part de chaque profil dans le total des sollicitations de la période.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires));

WITH S AS (
    SELECT profil
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT coalesce(profil, 'non_renseigne') AS cle,
       count(*) AS n,
       sum(count(*)) OVER () AS base
FROM S
GROUP BY profil;
