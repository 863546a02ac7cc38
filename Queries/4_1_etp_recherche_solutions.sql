-- code: 4.1
-- libelle: Nombre d'ETP dédiés à la recherche de solutions
-- objectif: 4
-- periodicite: annuelle
-- unite: etp
-- territorial: non
-- secret: oui
-- additive: non
-- comptes: postes = Postes[recherche_solutions=oui]
-- libelle_court: ETP dédiés à la recherche de solutions
-- section: equipe
-- compte: équivalents temps plein
-- explication: Le temps de l'équipe consacré à la recherche de solutions, en équivalents temps
--   plein (ETP) moyens sur la période : un poste à temps plein occupé la moitié de la période
--   compte pour 0,5.
-- statistique.postes: nombre | Postes concernés sur la période
-- entrees: equipe
-- definition: Moyenne des ETP dédiés à la recherche de solutions sur la période : somme, sur les
--   postes de l'équipe dédiés à la recherche de solutions (recherche_solutions = oui), de
--   etp × (nombre de jours du poste [date_debut, date_fin] compris dans la période) / (nombre
--   de jours de la période). Un poste sans date de fin est toujours occupé. Deux décimales.
--   Porte sur l'équipe de toute la C360 (pas de découpage par territoire).

-- Calcul exact : les ETP en dix-millièmes (un export en donne au plus quatre décimales) fois
-- des jours entiers, sur 10 000 × les jours de la période ; le programme arrondit le quotient.
SELECT coalesce(sum(
           CAST(round(etp * 10000) AS INTEGER)
           * max(0, CAST(julianday(min(coalesce(date_fin, :fin), :fin)) - julianday(max(date_debut, :debut)) + 1 AS INTEGER))
       ), 0) AS valeur_num,
       10000 * CAST(julianday(:fin) - julianday(:debut) + 1 AS INTEGER) AS valeur_den,
       count(*) FILTER (WHERE date_debut <= :fin AND (date_fin IS NULL OR date_fin >= :debut)) AS postes
FROM equipe
WHERE recherche_solutions = 1;
