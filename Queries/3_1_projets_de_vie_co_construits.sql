-- code: 3.1
-- libelle: Part des projets de vie co-construits avec la personne, son aidant ou des pairs aidants
-- objectif: 3
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: personne, aidant, pair_aidant, non, non_renseigne
-- comptes: valeur = S[accompagnee=oui, projet=personne] + S[accompagnee=oui, projet=aidant]
--   + S[accompagnee=oui, projet=pair_aidant];
--   numerateur = S[accompagnee=oui, projet=personne] + S[accompagnee=oui, projet=aidant]
--   + S[accompagnee=oui, projet=pair_aidant];
--   denominateur = S[accompagnee=oui]; repartition = S[accompagnee=oui] par projet
-- libelle_court: Projets de vie co-construits
-- section: accompagnement
-- compte: situations accompagnées
-- taux: part des situations accompagnées
-- repartition: Co-construction du projet de vie
-- explication: Parmi les situations accompagnées, celles dont le projet de vie a été construit avec
--   la personne, son aidant ou des pairs aidants. Les situations sans réponse restent dans le
--   calcul (« non renseigné »).
-- cle.aidant: Avec l'aidant
-- entrees: sollicitations.accompagnee, sollicitations.projet_vie_co_construit
-- definition: A = sollicitations de la période prises en accompagnement (accompagnee = oui).
--   N = A dont le projet de vie a été co-construit avec la personne, son aidant ou des pairs
--   aidants (projet_vie_co_construit = personne, aidant ou pair_aidant). Part = N / |A|. Les A
--   dont le champ est vide sont montrées comme « non renseigné » et restent au dénominateur.

WITH A AS (
    SELECT projet_vie_co_construit AS projet
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
      AND accompagnee = 1
)
SELECT count(*) FILTER (WHERE projet IN ('personne', 'aidant', 'pair_aidant')) AS valeur,
       count(*) FILTER (WHERE projet IN ('personne', 'aidant', 'pair_aidant')) AS numerateur,
       count(*) AS denominateur
FROM A;

WITH A AS (
    SELECT projet_vie_co_construit AS projet
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
      AND accompagnee = 1
)
SELECT coalesce(projet, 'non_renseigne') AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM A
GROUP BY projet;
