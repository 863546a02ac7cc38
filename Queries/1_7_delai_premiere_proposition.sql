-- code: 1.7
-- libelle: Délai moyen entre la sollicitation et la première proposition d'accompagnement
-- objectif: 1
-- periodicite: trimestrielle
-- unite: jours
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: n = S[proposition=oui]; sans_proposition = S[proposition=non]
-- contraintes: S[proposition=oui] <= Prop; S[proposition=oui] + S[proposition=non] = S
-- effectif: n
-- libelle_court: Délai avant la première proposition
-- section: delais
-- compte: sollicitations ayant reçu une proposition
-- resume: mediane, n
-- explication: Pour les demandes de la période qui ont reçu au moins une proposition, le nombre de
--   jours entre la demande et la première proposition, en moyenne ; avec le délai médian et le
--   délai dans lequel 9 demandes sur 10 ont reçu une proposition. Les demandes encore sans
--   proposition sont comptées à part.
-- statistique.n: nombre | Sollicitations ayant reçu au moins une proposition
-- statistique.moyenne: jours | Délai moyen
-- statistique.mediane: jours | Délai médian (au moins la moitié des demandes a attendu ce délai ou moins)
-- statistique.p90: jours | Délai dans lequel 9 demandes sur 10 ont reçu une proposition
-- statistique.sans_proposition: nombre | Sollicitations encore sans proposition
-- entrees: propositions.date_proposition
-- definition: Pour chaque sollicitation de la période ayant au moins une proposition : délai en
--   jours calendaires entre la date de la sollicitation et la date de sa première proposition
--   (la plus ancienne). Valeur = moyenne de ces délais (une décimale), avec leur nombre n, la
--   médiane et le 90e centile, tous deux au rang le plus proche (la valeur de rang ⌈p × n⌉
--   dans l'ordre croissant). Les sollicitations encore sans proposition sont comptées à part
--   (sans_proposition) et n'entrent pas dans la moyenne.

WITH delais AS (
    -- Une ligne par sollicitation de la période ayant au moins une proposition (chaque
    -- proposition porte la date et le territoire de sa sollicitation).
    SELECT CAST(julianday(min(date_proposition)) - julianday(date_sollicitation) AS INTEGER) AS delai
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY territoire, date_sollicitation, id_sollicitation
),
-- Seules les sollicitations dont les propositions sont datées (une source qui ne recueille
-- pas les dates n'en a aucune : l'indicateur est alors « non collecté »).
rangs AS (
    SELECT delai, row_number() OVER (ORDER BY delai) AS rang, count(*) OVER () AS n FROM delais WHERE delai IS NOT NULL
)
-- La moyenne comme une somme sur un effectif (valeur_num / valeur_den) : le programme
-- l'arrondit exactement.
SELECT sum(delai) AS valeur_num, count(delai) AS valeur_den,
       count(*) AS n,
       sum(delai) AS moyenne_num, count(delai) AS moyenne_den,
       (SELECT delai FROM rangs WHERE rang = (50 * n + 99) / 100) AS mediane,
       (SELECT delai FROM rangs WHERE rang = (90 * n + 99) / 100) AS p90,
       (SELECT count(*) FROM sollicitations
        WHERE date_sollicitation BETWEEN :debut AND :fin
          AND territoire IN (SELECT value FROM json_each(:territoires))) - count(*) AS sans_proposition
FROM delais;
