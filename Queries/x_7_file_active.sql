-- code: x.file_active
-- libelle: File active à la fin de la période
-- objectif: complementaire
-- periodicite: mensuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = FileActive
-- libelle_court: File active en fin de période
-- section: complementaires
-- compte: situations accompagnées
-- explication: Les situations en cours d'accompagnement le dernier jour de la période, quelle que
--   soit l'année de la demande.
-- entrees: sollicitations.accompagnee
-- definition: Nombre de situations en accompagnement le dernier jour de la période : sollicitations
--   reçues au plus tard ce jour (quelle que soit leur année), prises en accompagnement
--   (accompagnee = oui), et non clôturées à cette date (pas de date de clôture, ou une date de
--   clôture postérieure). C'est un stock à une date, pas un flux : la règle de cohorte ne
--   s'applique pas.

SELECT count(*) AS valeur
FROM sollicitations INDEXED BY sollicitations_suivies  -- index des situations accompagnées, par date de clôture
WHERE date_sollicitation <= :fin
  AND territoire IN (SELECT value FROM json_each(:territoires))
  AND accompagnee = 1
  AND coalesce(date_cloture, '9999-12-31') > :fin;  -- pas clôturée, ou clôturée après la fin
