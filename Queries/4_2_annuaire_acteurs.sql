-- code: 4.2
-- libelle: Annuaire territorial d'acteurs : nombre d'acteurs référencés
-- objectif: 4
-- periodicite: annuelle
-- unite: nombre
-- territorial: non
-- secret: oui
-- additive: oui
-- cles: droit_commun, specialise
-- comptes: valeur = Acteurs; repartition = Acteurs par categorie
-- libelle_court: Acteurs référencés dans l'annuaire
-- section: equipe
-- compte: acteurs
-- repartition: Catégorie d'acteur
-- explication: Les acteurs présents dans l'annuaire territorial le dernier jour de la période, de
--   droit commun ou spécialisés.
-- entrees: acteurs
-- definition: Acteurs référencés dans l'annuaire le dernier jour de la période :
--   date_referencement ≤ fin, et pas de date de sortie ou une date de sortie postérieure à la
--   fin (un acteur sorti le dernier jour n'est plus compté). Avec la répartition droit commun /
--   spécialisé. Porte sur l'annuaire de toute la C360.

WITH references_fin AS (
    SELECT categorie
    FROM acteurs
    WHERE date_referencement <= :fin
      AND (date_sortie IS NULL OR date_sortie > :fin)
)
SELECT count(*) AS valeur FROM references_fin;

WITH references_fin AS (
    SELECT categorie
    FROM acteurs
    WHERE date_referencement <= :fin
      AND (date_sortie IS NULL OR date_sortie > :fin)
)
SELECT categorie AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM references_fin
GROUP BY categorie;
