-- code: 2.3
-- libelle: Nombre et taux de solutions incluant du milieu ordinaire
-- objectif: 2
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- definition: N = propositions de la période (règle de cohorte) incluant du milieu ordinaire
--   (milieu_ordinaire = oui). Taux = N / |Prop|.

WITH S AS (
    SELECT id_sollicitation
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
),
Prop AS (
    SELECT p.* FROM propositions p JOIN S ON S.id_sollicitation = p.id_sollicitation
)
SELECT total(milieu_ordinaire) AS valeur,
       total(milieu_ordinaire) AS numerateur,
       count(*) AS denominateur
FROM Prop;
