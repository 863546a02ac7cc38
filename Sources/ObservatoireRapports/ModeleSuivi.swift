import CXlsxWriter
import Foundation
import ObservatoireCore

extension FeuilleXLSX {
    /// What a data validation allows in a range.
    public enum Validation {
        /// One of the values of a range (`=Listes!$A$2:$A$12`): a drop-down list.
        /// `strict: false` lets another value through after a warning (a list of values).
        case liste(formule: String, strict: Bool)
        /// A date between two days.
        case dates(Jour, Jour)
        /// A decimal between two bounds.
        case decimal(Double, Double)
        /// Anything: only the input message.
        case libre
    }

    /// A data validation with its input message (shown when a cell is selected) and its error
    /// message, over rows `l1…l2` of column `c`.
    public func valider(_ l1: Int, _ l2: Int, _ c: Int, _ v: Validation, titre: String, aide: String, erreur: String) throws {
        var dv = lxw_data_validation()
        dv.ignore_blank = UInt8(LXW_VALIDATION_ON.rawValue)
        dv.show_input = UInt8(LXW_VALIDATION_ON.rawValue)
        dv.show_error = UInt8(LXW_VALIDATION_ON.rawValue)
        dv.input_title = classeur.c(String(titre.prefix(32)))
        dv.input_message = classeur.c(String(aide.prefix(255)))
        dv.error_title = classeur.c(String(titre.prefix(32)))
        dv.error_message = classeur.c(String(erreur.prefix(255)))
        switch v {
        case .liste(let formule, let strict):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            dv.value_formula = classeur.c(formule)
            dv.error_type = UInt8((strict ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_WARNING).rawValue)
        case .dates(let min, let max):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_DATE.rawValue)
            dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            dv.minimum_datetime = lxw_datetime(year: Int32(min.annee), month: Int32(min.mois), day: Int32(min.composantes.jour), hour: 0, min: 0, sec: 0)
            dv.maximum_datetime = lxw_datetime(year: Int32(max.annee), month: Int32(max.mois), day: Int32(max.composantes.jour), hour: 0, min: 0, sec: 0)
            dv.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_STOP.rawValue)
        case .libre:
            dv.validate = UInt8(LXW_VALIDATION_TYPE_ANY.rawValue)
        case .decimal(let min, let max):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            dv.minimum_number = min
            dv.maximum_number = max
            dv.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_STOP.rawValue)
        }
        try ClasseurXLSX.verifier(worksheet_data_validation_range(pointeur, lxw_row_t(l1), lxw_col_t(c), lxw_row_t(l2), lxw_col_t(c), &dv),
                                  "validation des données, feuille « \(nom) »")
    }

    /// Hides the sheet (it stays in the workbook: lists for drop-downs).
    public func masquer() { worksheet_hide(pointeur) }
}

/// The ready-made tracker (`c360 modele-suivi`): one sheet per canonical table with French
/// headers that `importer` reads with no profile, drop-down lists for every enumerated column,
/// validated dates and ETP, an instructions sheet — for a C360 without a case tool, and for the
/// team, the directory and the core members, which no call tracker holds.
///
/// A hidden sheet `c360` says that the workbook is a complete register: each import replaces
/// the previous state of its sheets (a snapshot).
public enum ModeleSuivi {
    /// Rows prepared with validations on each sheet.
    public static let lignesPreparees = 3_000

    /// The sheet of each table, in the order a coordinator fills them.
    public static var feuilles: [(TableCanonique, String)] { RegistreSuivi.feuilles }


    static let aides: [String: String] = [
        "id_sollicitation": "Un numéro unique par sollicitation (par exemple 2025-0001). Il relie les propositions à leur sollicitation.",
        "date_sollicitation": "Date de réception de la demande (JJ/MM/AAAA).",
        "personne_id": "Le numéro de dossier de la personne concernée (jamais son nom). Il est pseudonymisé à l'import.",
        "profil": "La personne concernée : enfant ou adulte en situation de handicap, aidant, professionnel.",
        "type_demande": "Information, orientation, ou recherche de solution.",
        "problematiques": "Pour une recherche de solution : un ou plusieurs codes de la liste, séparés par | (par exemple logement_habitat|emploi).",
        "origine": "Demande entrante, ou repérage par la C360 (aller vers).",
        "accompagnee": "oui si la situation entre dans l'accompagnement actif de la C360.",
        "projet_vie_co_construit": "Avec qui le projet de vie a été co-construit (ou Non). Laisser vide si pas encore connu.",
        "territoire": "Le territoire infra-départemental.",
        "departement": "Code du département (vide : celui de la configuration).",
        "canal": "Par où la demande est arrivée.",
        "niveau_intervention": "1, 2 ou 3.",
        "orientation_rapt": "oui si la situation a été confiée à la cellule RAPT / situations alarmantes.",
        "tranche_age": "Âge de la personne concernée.",
        "date_cloture": "Date de clôture de la situation (vide si en cours).",
        "id_proposition": "Un numéro unique par proposition (par exemple 2025-0001-1).",
        "date_proposition": "Date à laquelle la solution a été proposée.",
        "evaluation_preexistante": "oui si la proposition s'appuie sur des évaluations existantes (MDPH, autres acteurs).",
        "ad_hoc_partenaires": "oui pour une solution ad hoc construite avec des partenaires.",
        "milieu_ordinaire": "oui si la solution comprend du milieu ordinaire.",
        "decision": "Acceptée, refusée, en attente de décision, sans suite.",
        "date_decision": "Date de la décision (vide si en attente).",
        "acteur_id": "Le code de l'acteur principal, tel qu'il figure dans la feuille Acteurs.",
        "nom": "Nom de l'organisation (jamais d'une personne).",
        "categorie": "Droit commun ou spécialisé.",
        "membre_coeur": "oui pour un membre cœur de la C360.",
        "partenaire": "oui pour un partenaire engagé (convention, staffs, solutions).",
        "date_referencement": "Date d'entrée dans l'annuaire.",
        "date_sortie": "Date de sortie de l'annuaire (vide s'il y est toujours).",
        "poste_id": "Un code unique par poste.",
        "fonction": "Coordinateur, conseiller de parcours ou autre.",
        "etp": "Équivalent temps plein du poste, entre 0,01 et 1.",
        "recherche_solutions": "oui si le poste est dédié à la recherche de solutions.",
        "date_debut": "Date de début du poste.",
        "date_fin": "Date de fin (vide si le poste est toujours occupé).",
        "annee": "Année civile.",
        "membre": "Nom de l'organisation membre cœur.",
    ]

    /// Writes the tracker at `chemin`, with the territories and the typology of `configuration`.
    public static func ecrire(_ chemin: URL, configuration: Configuration) throws {
        let c = try ClasseurXLSX(chemin: chemin.path)
        let entete = StyleXLSX(gras: true, couleur: 0xFFFFFF, fond: 0x1F4E79, retourALaLigne: true, bordure: true)
        let titre = StyleXLSX(gras: true, taille: 16, couleur: 0x1F4E79)
        let texte = StyleXLSX(retourALaLigne: true, hautDeCellule: true)
        let gras = StyleXLSX(gras: true, retourALaLigne: true, hautDeCellule: true)
        let date = StyleXLSX(formatNombre: "dd/mm/yyyy")

        // 1. Instructions.
        let aide = try c.feuille("Mode d'emploi")
        try aide.largeur(0, 0, 28)
        try aide.largeur(1, 1, 100)
        try aide.texte(0, 0, "Tableur de suivi de la \(configuration.nom)", titre)
        var l = 2
        func paragraphe(_ a: String, _ b: String) throws {
            try aide.texte(l, 0, a, gras)
            try aide.texte(l, 1, b, texte)
            l += 1
        }
        try paragraphe("À quoi il sert", "Tenir le registre de la C360 dans le format que l'Observatoire 360 lit directement, sans profil de correspondance : une feuille par table. Chaque import remplace l'état précédent de ces feuilles (le classeur est le registre complet) : une ligne supprimée ici disparaît de la base.")
        try paragraphe("Sollicitations", "Une ligne par demande reçue. Le numéro de sollicitation doit être unique ; il relie les propositions à leur demande.")
        try paragraphe("Propositions", "Une ligne par solution proposée pour une demande (plusieurs lignes pour une même demande si plusieurs solutions). La décision peut rester « En attente de décision ».")
        try paragraphe("Acteurs", "L'annuaire territorial : une ligne par organisation (jamais une personne).")
        try paragraphe("Équipe", "Les postes de l'équipe de la C360, avec leur ETP et leurs dates (indicateur 4.1).")
        try paragraphe("Membres cœur", "Le temps donné chaque année par chaque membre cœur, en ETP (indicateur 4.3).")
        try paragraphe("Listes déroulantes", "Les colonnes à valeurs fixées proposent une liste : choisissez-y la valeur. Les dates sont vérifiées (JJ/MM/AAAA). Sélectionnez une cellule pour lire l'aide de sa colonne.")
        try paragraphe("Problématiques", "Une ou plusieurs valeurs de la liste, séparées par | (barre verticale). Obligatoire pour une recherche de solution : sinon la demande est comptée « non renseigné ».")
        try paragraphe("Données personnelles", "N'écrivez ni nom, ni téléphone, ni commentaire sur une personne : seul son numéro de dossier (pseudonymisé à l'import) est utile. Une colonne ajoutée n'est jamais importée.")
        try paragraphe("Importer", "Enregistrez le classeur (.xlsx) et déposez-le dans le dossier « a-traiter » de l'espace de travail, ou : c360 importer CHEMIN/DU/CLASSEUR.xlsx. Les lignes refusées sont listées par « c360 rejets ».")
        aide.activer()

        // 2. Lists for the drop-downs (hidden sheet).
        let listes = try c.feuille("Listes")
        var colonneListe = 0
        var formules: [String: String] = [:]
        func liste(_ nom: String, _ valeurs: [String]) throws -> String {
            if let f = formules[nom] { return f }
            try listes.texte(0, colonneListe, nom, StyleXLSX(gras: true))
            for (i, v) in valeurs.enumerated() { try listes.texte(i + 1, colonneListe, v) }
            let lettre = ReferenceCellule.lettres(colonne: colonneListe)
            let f = "=Listes!$\(lettre)$2:$\(lettre)$\(max(2, valeurs.count + 1))"
            formules[nom] = f
            colonneListe += 1
            return f
        }
        listes.masquer()

        // 3. One sheet per table.
        let bornes = (Jour(annee: 2000, mois: 1, jour: 1)!, Jour(annee: 2100, mois: 12, jour: 31)!)
        let derniere = lignesPreparees
        for (table, nomFeuille) in feuilles {
            let f = try c.feuille(nomFeuille)
            f.figer(lignes: 1)
            for (j, col) in table.colonnes.enumerated() {
                try f.texte(0, j, col.libelle, entete)
                let largeur = max(14, min(40, Double(col.libelle.count) * 1.1))
                try f.largeur(j, j, largeur, col.type == .date ? date : nil)
                let titreAide = col.libelle + (col.valeurObligatoire ? " (obligatoire)" : "")
                let texteAide = aides[col.nom] ?? col.libelle
                switch col.type {
                case .enumeration(let codes):
                    let valeurs = codes.map { LibellesValeurs.libelle($0, colonne: col.nom) }
                    try f.valider(1, derniere, j, .liste(formule: try liste(col.nom, valeurs), strict: true), titre: titreAide, aide: texteAide,
                                  erreur: "Choisissez une valeur de la liste.")
                case .booleen:
                    try f.valider(1, derniere, j, .liste(formule: try liste("oui/non", ["oui", "non"]), strict: true), titre: titreAide, aide: texteAide,
                                  erreur: "Répondez oui ou non.")
                case .date:
                    try f.valider(1, derniere, j, .dates(bornes.0, bornes.1), titre: titreAide, aide: texteAide,
                                  erreur: "Saisissez une date au format JJ/MM/AAAA.")
                case .decimal where col.nom == "etp" && table == .equipe:
                    try f.valider(1, derniere, j, .decimal(0.01, 1), titre: titreAide, aide: texteAide, erreur: "Un ETP entre 0,01 et 1.")
                case .liste:
                    try f.valider(1, derniere, j, .liste(formule: try liste("problematiques", configuration.typologie), strict: false),
                                  titre: titreAide, aide: texteAide, erreur: "Plusieurs valeurs : séparez-les par | (barre verticale).")
                case .entier where col.nom == "niveau_intervention":
                    try f.valider(1, derniere, j, .liste(formule: try liste("niveau", ["1", "2", "3"]), strict: true), titre: titreAide, aide: texteAide,
                                  erreur: "1, 2 ou 3.")
                case .texte where col.nom == "territoire" && !configuration.territoires.isEmpty:
                    try f.valider(1, derniere, j, .liste(formule: try liste("territoire", configuration.territoires), strict: true),
                                  titre: titreAide, aide: texteAide, erreur: "Choisissez un territoire de la liste (observatoire.yml).")
                case .texte where col.nom == "id_sollicitation" && table == .propositions:
                    try f.valider(1, derniere, j, .liste(formule: "=Sollicitations!$A$2:$A$\(derniere + 1)", strict: true), titre: titreAide,
                                  aide: texteAide, erreur: "Ce numéro n'est pas dans la feuille Sollicitations.")
                case .texte where col.nom == "acteur_id" && table == .propositions:
                    try f.valider(1, derniere, j, .liste(formule: "=Acteurs!$A$2:$A$\(derniere + 1)", strict: true), titre: titreAide,
                                  aide: texteAide, erreur: "Ce code n'est pas dans la feuille Acteurs.")
                default:
                    try f.valider(1, derniere, j, .libre, titre: titreAide, aide: texteAide, erreur: "")
                }
            }
        }

        // 4. The mark: a complete register, imported as a snapshot.
        let marque = try c.feuille(RegistreSuivi.feuilleMarque)
        try marque.texte(0, 0, "format")
        try marque.texte(0, 1, "modele-suivi")
        try marque.texte(1, 0, "instantane")
        try marque.texte(1, 1, "oui")
        marque.masquer()
        try c.proprietes(titre: "Tableur de suivi — \(configuration.nom)", sujet: "Registre de la Communauté 360",
                         auteur: "Observatoire 360", societe: configuration.nom, motsCles: "c360, modèle de suivi",
                         commentaires: "Produit par c360 modele-suivi ; relu sans profil par c360 importer.", creation: Date())
        try c.fermer()
    }
}
