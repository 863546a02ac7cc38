-- code: 1.3
-- libelle: Répartition des sollicitations incluant les types de problématique pour les demandes de recherche de solutions
-- objectif: 1
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = S[type=recherche_solution];
--   repartition = S[type=recherche_solution] par probleme multiple
-- libelle_court: Demandes de recherche de solution
-- section: problematiques
-- compte: demandes de recherche de solution
-- repartition: Type de problématique
-- lecture: Une demande peut porter plusieurs types de problématique : la somme des parts peut
--   dépasser 100 %.
-- explication: Le nombre de demandes de recherche de solution, et pour chaque type de
--   problématique, combien de ces demandes le mentionnent. Les demandes sans type sont comptées «
--   non renseigné ».
-- entrees: sollicitations.type_demande, sollicitations.problematiques
-- definition: R = sollicitations de la période dont le type de demande est « recherche de
--   solution ». Pour chaque type de problématique t de la typologie configurée : nombre de R
--   dont les problématiques contiennent t, et ce nombre rapporté à |R|. Une demande pouvant
--   porter plusieurs types, la somme des parts peut dépasser 100 %. Les R sans type sont
--   comptées à part (non renseigné). La valeur de l'indicateur est |R|.

WITH R AS (
    SELECT id_sollicitation
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
      AND type_demande = 'recherche_solution'
)
SELECT count(*) AS valeur FROM R;

WITH R AS (
    SELECT id_sollicitation
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
      AND type_demande = 'recherche_solution'
),
typologie(cle, ordre) AS (
    SELECT value, key FROM json_each(:typologie)
),
par_type AS (
    SELECT sp.problematique, count(*) AS n
    FROM R JOIN sollicitation_problematiques sp ON sp.id_sollicitation = R.id_sollicitation
    GROUP BY sp.problematique
)
SELECT t.cle, coalesce(p.n, 0) AS n, (SELECT count(*) FROM R) AS base
FROM typologie t LEFT JOIN par_type p ON p.problematique = t.cle
UNION ALL
SELECT 'non_renseigne',
       (SELECT count(*) FROM R
        WHERE NOT EXISTS (SELECT 1 FROM sollicitation_problematiques sp WHERE sp.id_sollicitation = R.id_sollicitation)),
       (SELECT count(*) FROM R);
