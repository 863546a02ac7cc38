-- code: 5.1
-- libelle: Nombre de partenaires hors membres cœur
-- objectif: 5
-- periodicite: annuelle
-- unite: nombre
-- territorial: non
-- secret: oui
-- additive: non
-- comptes: valeur = Acteurs[partenaire=oui, membre_coeur=non]
-- libelle_court: Partenaires hors membres cœur
-- section: equipe
-- compte: partenaires
-- explication: Les partenaires engagés de l'annuaire, le dernier jour de la période, qui ne sont
--   pas membres cœur.
-- entrees: acteurs
-- definition: Acteurs référencés dans l'annuaire le dernier jour de la période (même règle que
--   4.2) qui sont des partenaires engagés de la C360 (partenaire = oui) sans être membres cœur
--   (membre_coeur = non).

SELECT count(*) AS valeur
FROM acteurs
WHERE date_referencement <= :fin
  AND (date_sortie IS NULL OR date_sortie > :fin)
  AND partenaire = 1
  AND membre_coeur = 0;
