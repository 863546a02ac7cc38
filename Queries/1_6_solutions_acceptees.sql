-- code: 1.6
-- libelle: Nombre et taux de solutions d'accompagnement acceptées
-- objectif: 1
-- periodicite: trimestrielle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: oui
-- cles: acceptee, refusee, en_attente, sans_suite
-- comptes: valeur = Prop[decision=acceptee]; numerateur = Prop[decision=acceptee];
--   denominateur = Prop[decision=acceptee] + Prop[decision=refusee] + Prop[decision=sans_suite];
--   en_attente = Prop[decision=en_attente]; repartition = Prop par decision
-- contraintes: Prop[decision=acceptee] + Prop[decision=refusee] + Prop[decision=en_attente]
--   + Prop[decision=sans_suite] = Prop
-- libelle_court: Solutions acceptées
-- section: propositions
-- compte: propositions
-- taux: part des propositions dont la décision est prise (acceptée, refusée ou sans suite)
-- repartition: Décision
-- resume: en_attente
-- lecture: Les parts de la répartition sont calculées sur toutes les propositions, y compris celles
--   en attente de décision.
-- explication: Les solutions acceptées, rapportées aux solutions dont la décision est connue ;
--   celles qui attendent encore une décision sont comptées à part.
-- statistique.en_attente: nombre | Propositions en attente de décision
-- entrees: propositions.decision
-- definition: N = propositions de la période (règle de cohorte) dont la décision est
--   « acceptée ». Taux = N / propositions dont la décision est prise (acceptée, refusée ou
--   sans suite). Les propositions en attente de décision sont comptées à part et restent
--   hors du taux. La répartition donne les quatre décisions, en part de toutes les propositions.

WITH Prop AS (
    -- Règle de cohorte : chaque proposition porte la date et le territoire de sa
    -- sollicitation (recopiés à l'import et tenus à jour par la base).
    SELECT *
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT count(*) FILTER (WHERE decision = 'acceptee') AS valeur,
       count(*) FILTER (WHERE decision = 'acceptee') AS numerateur,
       count(*) FILTER (WHERE decision IN ('acceptee', 'refusee', 'sans_suite')) AS denominateur,
       count(*) FILTER (WHERE decision = 'en_attente') AS en_attente
FROM Prop;

WITH Prop AS (
    -- Règle de cohorte : chaque proposition porte la date et le territoire de sa
    -- sollicitation (recopiés à l'import et tenus à jour par la base).
    SELECT *
    FROM propositions
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
)
SELECT decision AS cle, count(*) AS n, sum(count(*)) OVER () AS base
FROM Prop
GROUP BY decision;
