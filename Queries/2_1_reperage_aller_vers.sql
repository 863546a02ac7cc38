-- code: 2.1
-- libelle: Nombre de situations accompagnées suite à un repérage du 360 (logique d'aller vers)
-- objectif: 2
-- periodicite: annuelle
-- unite: nombre
-- territorial: oui
-- secret: oui
-- additive: non
-- comptes: valeur = S[accompagnee=oui, origine=reperage_360]
-- libelle_court: Accompagnements après un repérage (aller vers)
-- section: accompagnement
-- compte: situations accompagnées
-- explication: Les situations accompagnées que la C360 a elle-même repérées, en allant au-devant
--   des personnes (logique d'« aller vers »).
-- entrees: sollicitations.accompagnee, sollicitations.origine
-- definition: Nombre de sollicitations de la période prises en accompagnement
--   (accompagnee = oui) dont l'origine est un repérage par la C360 elle-même
--   (origine = reperage_360, logique d'« aller vers »).

SELECT count(*) AS valeur
FROM sollicitations
WHERE date_sollicitation BETWEEN :debut AND :fin
  AND territoire IN (SELECT value FROM json_each(:territoires))
  AND accompagnee = 1
  AND origine = 'reperage_360';
