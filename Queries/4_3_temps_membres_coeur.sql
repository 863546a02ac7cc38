-- code: 4.3
-- libelle: Temps dédié par chacun des membres cœur à la Communauté (en ETP)
-- objectif: 4
-- periodicite: annuelle
-- unite: etp
-- territorial: non
-- secret: oui
-- additive: oui
-- comptes: membres = Membres
-- libelle_court: Temps des membres cœur
-- section: equipe
-- compte: équivalents temps plein
-- repartition: Membre cœur
-- explication: Le temps donné à la Communauté par chacun de ses membres cœur dans l'année, en
--   équivalents temps plein (ETP), et leur total.
-- statistique.membres: nombre | Membres cœur ayant déclaré du temps
-- entrees: membres_coeur
-- definition: ETP donnés à la C360 par chaque membre cœur pour l'année de la fin de la période
--   (table membres_coeur, colonne annee), et leur total. Porte sur toute la C360.

-- Le total en dix-millièmes d'ETP, additionné exactement (valeur_num / valeur_den).
SELECT coalesce(sum(CAST(round(etp * 10000) AS INTEGER)), 0) AS valeur_num, 10000 AS valeur_den, count(*) AS membres
FROM membres_coeur
WHERE annee = CAST(strftime('%Y', :fin) AS INTEGER);

SELECT membre AS cle, etp AS n, NULL AS base
FROM membres_coeur
WHERE annee = CAST(strftime('%Y', :fin) AS INTEGER)
ORDER BY etp DESC, membre;
