-- code: x.file_active
-- libelle: File active à la fin de la période
-- objectif: complementaire
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- definition: Nombre de situations en accompagnement le dernier jour de la période : sollicitations
--   reçues au plus tard ce jour (quelle que soit leur année), prises en accompagnement
--   (accompagnee = oui), et non clôturées à cette date (pas de date de clôture, ou une date de
--   clôture postérieure). C'est un stock à une date, pas un flux : la règle de cohorte ne
--   s'applique pas.

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation <= :fin
  AND (:territoire IS NULL OR territoire = :territoire)
  AND accompagnee = 1
  AND (date_cloture IS NULL OR date_cloture > :fin);
