-- code: x.canal
-- libelle: Sollicitations par canal d'entrée
-- objectif: complementaire
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: numero_vert, mail, fiche_saisine, partenaire, autre, non_renseigne
-- comptes: valeur = S; repartition = S par canal
-- libelle_court: Sollicitations par canal d'entrée
-- section: complementaires
-- compte: sollicitations
-- repartition: Canal d'entrée
-- explication: Les demandes reçues selon le canal par lequel elles sont arrivées.
-- entrees: sollicitations.canal
-- definition: Nombre de sollicitations de la période par canal d'entrée (numéro vert
--   0 800 360 360, courriel, fiche saisine, partenaire, autre ; non renseigné quand le canal est
--   vide), et part de chaque canal dans le total.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires));

WITH S AS (
    SELECT canal
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT coalesce(canal, 'non_renseigne') AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM S
GROUP BY canal;
