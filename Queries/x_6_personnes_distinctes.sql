-- code: x.personnes
-- libelle: Personnes distinctes et sollicitations répétées
-- objectif: complementaire
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = Personnes; numerateur = Personnes[plusieurs=oui]; denominateur = Personnes
-- contraintes: Personnes <= S; Personnes + Personnes[plusieurs=oui] <= S; S = Personnes si Personnes[plusieurs=oui] = 0
-- rapports: sollicitations_par_personne = S / Personnes
-- libelle_court: Personnes distinctes
-- section: complementaires
-- compte: personnes
-- taux: part des personnes venues au moins deux fois dans la période
-- resume: sollicitations_par_personne
-- explication: Le nombre de personnes différentes qui ont fait au moins une demande dans la
--   période, et la part de celles qui sont revenues.
-- statistique.sollicitations_par_personne: decimal | Sollicitations par personne, en moyenne
-- entrees: sollicitations
-- definition: Valeur = nombre de personnes distinctes (pseudonyme de personne_id) ayant fait
--   au moins une sollicitation dans la période. Taux = personnes revenues (au moins deux
--   sollicitations dans la période) / personnes distinctes ; les personnes venues une seule
--   fois sont la différence. Statistique : nombre moyen de sollicitations par personne.

WITH par_personne AS (
    SELECT personne, count(*) AS n
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
    GROUP BY personne
)
SELECT count(*) AS valeur,
       count(*) FILTER (WHERE n >= 2) AS numerateur,
       count(*) AS denominateur,
       sum(n) AS sollicitations_par_personne_num, count(*) AS sollicitations_par_personne_den
FROM par_personne;

