-- code: 2.2
-- libelle: Nombre et taux de solutions ad hoc développées avec les partenaires
-- objectif: 2
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- definition: N = propositions de la période (règle de cohorte : leur sollicitation est dans la
--   période) qui sont des solutions ad hoc développées avec les partenaires
--   (ad_hoc_partenaires = oui). Taux = N / |Prop|.

WITH S AS (
    SELECT id_sollicitation
    FROM sollicitations
    WHERE date_sollicitation BETWEEN :debut AND :fin
      AND territoire IN (SELECT value FROM json_each(:territoires))
),
Prop AS (
    SELECT p.* FROM propositions p JOIN S ON S.id_sollicitation = p.id_sollicitation
)
SELECT total(ad_hoc_partenaires) AS valeur,
       total(ad_hoc_partenaires) AS numerateur,
       count(*) AS denominateur
FROM Prop;
