import Foundation
import ObservatoireCore

extension Rejet: Error {}

/// The validation rules of `spec/format-export.md` for one row of one table.
///
/// Columns are checked in the spec's order and the first problem found rejects the row
/// (one reject per row, so that `lues = importees + rejetees`). Rules that need the database
/// (a proposition's request must exist) are checked when the row is stored.
///
/// ```swift
/// let v = Validateur(table: .sollicitations, configuration: config, aujourdhui: Jour.aujourdhui(),
///                    pseudonymiseur: p)
/// switch v.valider(valeurs, ligne: 12) {
/// case .success(let enregistrement): …
/// case .failure(let rejet): print(rejet.regle, rejet.message)
/// }
/// ```
///
/// A class, not a struct: every row's reading holds it, and a copy of a struct with a dozen
/// collections meant a dozen reference counts per row (a tenth of the validation's time).
public final class Validateur: Sendable {
    public let table: TableCanonique
    public let configuration: Configuration
    public let aujourdhui: Jour
    public let pseudonymiseur: Pseudonymiseur?
    /// Plain numbers in date columns are Excel date serials (cells of an `.xlsx` sheet).
    public let serielExcel: Bool
    /// The workbook's serials count from 1904.
    public let dates1904: Bool
    /// Columns that may be absent (`Obligation.siCollectee`, problem types) and are absent
    /// from this source: left empty, never a reject.
    public let nonCollectees: Set<String>

    /// Normalised value → canonical value, for each enumerated column.
    private let enumerations: [String: [String: String]]
    /// Position in the row's values of each ``Col`` (by its raw value); -1 when this table has
    /// no such column.
    private let positions: [Int]
    /// Positions of the columns that identify a row (``TableCanonique/identifiant``).
    let positionsIdentifiant: [Int]
    private let typologie: [String: String]
    private let territoires: [String: String]
    /// The configured spellings themselves: most rows write them exactly (no normalisation).
    private let typologieExacte: Set<String>
    private let territoiresExacts: Set<String>

    /// The canonical columns the rules read, across the five tables. A row's values are read
    /// by position (``positions``, resolved once per validator from the spec's order), not by
    /// name: a dictionary lookup per field cost about a sixth of the validation (BENCHMARKS.md).
    enum Col: Int, CaseIterable {
        case idSollicitation, dateSollicitation, personneId, profil, typeDemande, problematiques, origine, accompagnee
        case projetVieCoConstruit, territoire, departement, canal, niveauIntervention, orientationRapt, trancheAge, dateCloture
        case idProposition, dateProposition, evaluationPreexistante, adHocPartenaires, milieuOrdinaire, decision, dateDecision, acteurId
        case nom, categorie, membreCoeur, partenaire, dateReferencement, dateSortie, posteId
        case fonction, etp, rechercheSolutions, dateDebut, dateFin, annee, membre

        /// The column's name in the spec (and in messages).
        var nom: String {
            switch self {
            case .idSollicitation: return "id_sollicitation"
            case .dateSollicitation: return "date_sollicitation"
            case .personneId: return "personne_id"
            case .profil: return "profil"
            case .typeDemande: return "type_demande"
            case .problematiques: return "problematiques"
            case .origine: return "origine"
            case .accompagnee: return "accompagnee"
            case .projetVieCoConstruit: return "projet_vie_co_construit"
            case .territoire: return "territoire"
            case .departement: return "departement"
            case .canal: return "canal"
            case .niveauIntervention: return "niveau_intervention"
            case .orientationRapt: return "orientation_rapt"
            case .trancheAge: return "tranche_age"
            case .dateCloture: return "date_cloture"
            case .idProposition: return "id_proposition"
            case .dateProposition: return "date_proposition"
            case .evaluationPreexistante: return "evaluation_preexistante"
            case .adHocPartenaires: return "ad_hoc_partenaires"
            case .milieuOrdinaire: return "milieu_ordinaire"
            case .decision: return "decision"
            case .dateDecision: return "date_decision"
            case .acteurId: return "acteur_id"
            case .nom: return "nom"
            case .categorie: return "categorie"
            case .membreCoeur: return "membre_coeur"
            case .partenaire: return "partenaire"
            case .dateReferencement: return "date_referencement"
            case .dateSortie: return "date_sortie"
            case .posteId: return "poste_id"
            case .fonction: return "fonction"
            case .etp: return "etp"
            case .rechercheSolutions: return "recherche_solutions"
            case .dateDebut: return "date_debut"
            case .dateFin: return "date_fin"
            case .annee: return "annee"
            case .membre: return "membre"
            }
        }
    }

    /// Longest identifier and longest free text accepted.
    static let longueurIdentifiant = 100
    /// `MM/JJ/AAAA` that only reads month first (the second number above 12, the first at most
    /// 12): an English-language spreadsheet's date.
    static func moisAvantJour(_ brut: String) -> Bool {
        let parties = Normalisation.rogner(brut).split(separator: " ").first?.split(separator: "/") ?? []
        guard parties.count == 3, let a = Int(parties[0]), let b = Int(parties[1]), parties[2].count == 4 || parties[2].count == 2 else { return false }
        return (1...12).contains(a) && (13...31).contains(b)
    }

    /// A date cell's serial number in a CSV (`45720`): five digits, from 2000 to 2100.
    static func numeroDeSerie(_ brut: String) -> Bool {
        let t = Normalisation.rogner(brut)
        guard t.count == 5, let n = Int(t) else { return false }
        return (36_526...73_051).contains(n)
    }

    /// No date of the exports is earlier (the indicators cover 2000 to 2100 too).
    public static let anneeMinimale = 2000
    static let longueurTexte = 300

    public init(table: TableCanonique, configuration: Configuration, aujourdhui: Jour,
                pseudonymiseur: Pseudonymiseur?, serielExcel: Bool = false, dates1904: Bool = false,
                collectees: Set<String>? = nil) {
        self.table = table
        // What this source does not feed, among the columns it may leave out.
        nonCollectees = collectees.map { c in
            Set(table.colonnes.filter { !$0.enTeteObligatoire && $0.obligation != .non && !c.contains($0.nom) }.map(\.nom))
        } ?? []
        self.configuration = configuration
        self.aujourdhui = aujourdhui
        self.pseudonymiseur = pseudonymiseur
        self.serielExcel = serielExcel
        self.dates1904 = dates1904
        var e: [String: [String: String]] = [:]
        for c in table.colonnes {
            if case .enumeration(let valeurs) = c.type {
                // The codes, and their French labels (« Enfant en situation de handicap »).
                e[c.nom] = LibellesValeurs.alias(colonne: c.nom)
                    .merging(valeurs.map { (Normalisation.cle($0), $0) }, uniquingKeysWith: { _, b in b })
            }
        }
        enumerations = e
        positions = Col.allCases.map { c in table.colonnes.firstIndex { $0.nom == c.nom } ?? -1 }
        positionsIdentifiant = table.identifiant.map { c in table.colonnes.firstIndex { $0.nom == c }! }
        typologie = Dictionary(configuration.typologie.map { (Normalisation.cle($0), $0) }, uniquingKeysWith: { a, _ in a })
        territoires = Dictionary(configuration.territoires.map { (Normalisation.cle($0), $0) }, uniquingKeysWith: { a, _ in a })
        typologieExacte = Set(configuration.typologie)
        territoiresExacts = Set(configuration.territoires)
    }

    public func valider(_ valeurs: [String?], ligne: Int) -> Result<Enregistrement, Rejet> {
        validerAvecAvertissements(valeurs, ligne: ligne).0
    }

    /// Validates a row, and says what is missing on a row that is stored all the same
    /// (``Avertissement``).
    public func validerAvecAvertissements(_ valeurs: [String?], ligne: Int) -> (Result<Enregistrement, Rejet>, [Avertissement]) {
        var l = Ligne(v: self, valeurs: valeurs, numero: ligne)
        let r = valider(&l)
        if case .success = r { return (r, l.avertissements) }
        return (r, [])
    }

    private func valider(_ l: inout Ligne) -> Result<Enregistrement, Rejet> {
        let ligne = l.numero
        do {
            switch table {
            case .sollicitations: return .success(.sollicitation(try sollicitation(&l)))
            case .propositions: return .success(.proposition(try proposition(&l)))
            case .acteurs: return .success(.acteur(try acteur(&l)))
            case .equipe: return .success(.poste(try poste(&l)))
            case .membresCoeur: return .success(.membreCoeur(try membreCoeur(&l)))
            }
        } catch let r as Rejet {
            return .failure(r)
        } catch {
            return .failure(Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .ligneMalformee,
                                  message: "La ligne n'a pas pu être lue. Vérifiez-la dans l'outil de suivi puis réimportez le fichier."))
        }
    }

    /// What trackers write for a person they do not know: « anonyme », « inconnu », « non
    /// renseigné », or signs alone (« - », « ? »).
    static func personneInconnue(_ brut: String) -> Bool {
        // Checked for every request: a reference with a digit other than 0 (nearly all) is a
        // reference, decided on its bytes without building a key.
        if brut.utf8.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) { return false }
        let cle = Normalisation.cle(brut)
        return cle.isEmpty || Validateur.personnesInconnues.contains(cle)
    }

    /// Words, « X » and zeros: two letters (« NC », « ND ») may be a person's initials, which
    /// small trackers use as references (the regression review's L3).
    static let personnesInconnues: Set<String> = [
        "anonyme", "anonymes", "anonymat", "anonymise", "anonymisee", "inconnu", "inconnue", "inconnus", "nonconnu", "nonconnue",
        "nonrenseigne", "nonrenseignee", "aucun", "aucune", "sansobjet", "nsp", "x", "xx", "xxx", "xxxx", "0", "00", "000",
    ]

    // MARK: - Tables

    private func sollicitation(_ l: inout Ligne) throws -> Sollicitation {
        let id = try l.identifiant(.idSollicitation)
        let date = try l.date(.dateSollicitation, obligatoire: true, passeeSeulement: true)!
        var personneBrute = try l.identifiant(.personneId)
        if Validateur.personneInconnue(personneBrute) {
            // A placeholder is no one: all the « anonyme » calls would be one person with many
            // requests. Each is a person of its own (NUL, refused in every value, keeps this key
            // apart from any real reference), and the row says so.
            personneBrute = "inconnue\u{0}" + id
            l.avertissements.append(Avertissement(
                ligne: l.numero, colonne: "personne_id", regle: .personneNonIdentifiee,
                message: "La sollicitation « \(Masque.extrait(id)) » n'a pas de référence de personne (« anonyme », « inconnu », « - »…) : elle est enregistrée et comptée comme la demande d'une personne distincte. Renseignez la référence de la personne dans l'outil de suivi pour relier ses demandes."))
        }
        let profil: Profil? = try l.enumeration(.profil)
        let type: TypeDemande? = try l.enumeration(.typeDemande)
        let problematiques = try l.problematiques()
        if problematiques.isEmpty && type == .rechercheSolution && !nonCollectees.contains("problematiques") {
            // Stored and counted as « non renseigné » in 1.3 (format-export.md): rejecting the
            // request would remove it from 1.1 and its propositions from 1.4–2.3.
            l.avertissements.append(Avertissement(
                ligne: l.numero, colonne: "problematiques", regle: .problematiquesNonRenseignees,
                message: "La sollicitation « \(Masque.extrait(id)) » est une recherche de solution sans problématique renseignée : elle est enregistrée et comptée « non renseigné » dans l'indicateur 1.3. Complétez « problematiques » dans l'outil de suivi."))
        }
        let origine: Origine? = try l.enumeration(.origine)
        let accompagnee = try l.booleen(.accompagnee, obligatoire: true)
        let projet: ProjetVieCoConstruit? = try l.enumeration(.projetVieCoConstruit)
        let territoire = try l.territoire()
        let departement = try l.departement()
        let canal: Canal? = try l.enumeration(.canal)
        let niveau = try l.niveau()
        let rapt = try l.booleen(.orientationRapt, obligatoire: false)
        let tranche: TrancheAge? = try l.enumeration(.trancheAge)
        let cloture = try l.date(.dateCloture, obligatoire: false, passeeSeulement: true)
        if let cloture, cloture < date {
            throw l.rejet(.dateCloture, .dateIncoherente,
                          "La date de clôture (\(cloture.francais)) est antérieure à la date de la sollicitation (\(date.francais)). Corrigez l'une des deux dates.")
        }
        let personne = pseudonymiseur?.pseudonyme(personneBrute) ?? personneBrute
        return Sollicitation(idSollicitation: id, dateSollicitation: date, personne: personne, profil: profil,
                             typeDemande: type, problematiques: problematiques, origine: origine,
                             accompagnee: accompagnee, projetVieCoConstruit: projet, territoire: territoire,
                             departement: departement, canal: canal, niveauIntervention: niveau,
                             orientationRapt: rapt, trancheAge: tranche, dateCloture: cloture)
    }

    private func proposition(_ l: inout Ligne) throws -> Proposition {
        let id = try l.identifiant(.idProposition)
        let idSollicitation = try l.identifiant(.idSollicitation)
        let date = try l.date(.dateProposition, obligatoire: true, passeeSeulement: true)
        let evaluation = try l.booleen(.evaluationPreexistante, obligatoire: true)
        let adHoc = try l.booleen(.adHocPartenaires, obligatoire: true)
        let milieu = try l.booleen(.milieuOrdinaire, obligatoire: true)
        let decision: Decision? = try l.enumeration(.decision)
        let dateDecision = try l.date(.dateDecision, obligatoire: false, passeeSeulement: true)
        let acteur = try l.identifiantFacultatif(.acteurId)
        if let dateDecision, let date, dateDecision < date {
            throw l.rejet(.dateDecision, .dateIncoherente,
                          "La date de décision (\(dateDecision.francais)) est antérieure à la date de la proposition (\(date.francais)). Corrigez l'une des deux dates.")
        }
        return Proposition(idProposition: id, idSollicitation: idSollicitation, dateProposition: date,
                           evaluationPreexistante: evaluation, adHocPartenaires: adHoc, milieuOrdinaire: milieu,
                           decision: decision, dateDecision: dateDecision, acteurId: acteur)
    }

    private func acteur(_ l: inout Ligne) throws -> Acteur {
        let id = try l.identifiant(.acteurId)
        let nom = try l.texte(.nom)
        let categorie: Categorie = try l.enumeration(.categorie)!
        let coeur = try l.booleen(.membreCoeur, obligatoire: true)!
        let partenaire = try l.booleen(.partenaire, obligatoire: true)!
        let referencement = try l.date(.dateReferencement, obligatoire: true, passeeSeulement: true)!
        // An exit date may be planned: it is not refused for being in the future.
        let sortie = try l.date(.dateSortie, obligatoire: false, passeeSeulement: false)
        if let sortie, sortie < referencement {
            throw l.rejet(.dateSortie, .dateIncoherente,
                          "La date de sortie de l'annuaire (\(sortie.francais)) est antérieure à la date de référencement (\(referencement.francais)).")
        }
        return Acteur(acteurId: id, nom: nom, categorie: categorie, membreCoeur: coeur, partenaire: partenaire,
                      dateReferencement: referencement, dateSortie: sortie)
    }

    private func poste(_ l: inout Ligne) throws -> Poste {
        let id = try l.identifiant(.posteId)
        let fonction: Fonction = try l.enumeration(.fonction)!
        let etp = try l.decimal(.etp)
        guard etp > 0 && etp <= 1 else {
            throw l.rejet(.etp, .horsBornes,
                          "L'ETP d'un poste doit être strictement positif et au plus égal à 1 (trouvé : \(l.brut(.etp))). Un poste à temps plein vaut 1, un mi-temps 0,5.")
        }
        let recherche = try l.booleen(.rechercheSolutions, obligatoire: true)!
        // Start and end of a position may be planned (a recruitment, the end of a contract).
        let debut = try l.date(.dateDebut, obligatoire: true, passeeSeulement: false)!
        let finPoste = try l.date(.dateFin, obligatoire: false, passeeSeulement: false)
        if let finPoste, finPoste < debut {
            throw l.rejet(.dateFin, .dateIncoherente,
                          "La date de fin du poste (\(finPoste.francais)) est antérieure à sa date de début (\(debut.francais)).")
        }
        return Poste(posteId: id, fonction: fonction, etp: etp, rechercheSolutions: recherche, dateDebut: debut, dateFin: finPoste)
    }

    private func membreCoeur(_ l: inout Ligne) throws -> MembreCoeur {
        let annee = try l.entier(.annee)
        guard annee >= 2000 && annee <= aujourdhui.annee + 1 else {
            throw l.rejet(.annee, .horsBornes, "L'année \(annee) est hors des bornes acceptées (de 2000 à \(aujourdhui.annee + 1)).")
        }
        let membre = try l.texte(.membre)
        let etp = try l.decimal(.etp)
        guard etp >= 0 && etp <= 1000 else {
            throw l.rejet(.etp, .horsBornes, "L'ETP d'un membre cœur doit être positif ou nul (trouvé : \(l.brut(.etp))).")
        }
        return MembreCoeur(annee: annee, membre: membre, etp: etp)
    }

    // MARK: - One row's values

    /// Reads the values of one row by column (``Col``, at its position), turning each problem
    /// into a ``Rejet``.
    private struct Ligne {
        let v: Validateur
        let valeurs: [String?]
        let numero: Int
        var avertissements: [Avertissement] = []

        init(v: Validateur, valeurs: [String?], numero: Int) {
            self.v = v
            self.valeurs = valeurs
            self.numero = numero
        }

        private func index(_ colonne: Col) -> Int {
            let i = v.positions[colonne.rawValue]
            precondition(i >= 0, "colonne \(colonne.nom) absente de la table \(v.table.rawValue)")
            return i
        }

        func brut(_ colonne: Col) -> String {
            Normalisation.rogner(valeurs[index(colonne)] ?? "")
        }

        func rejet(_ colonne: Col, _ regle: RegleRejet, _ message: String) -> Rejet {
            Rejet(ligne: numero, colonne: colonne.nom, valeur: brut(colonne), regle: regle, message: message)
        }

        func manquante(_ colonne: Col, _ precision: String = "") -> Rejet {
            rejet(colonne, .valeurManquante,
                  "La colonne « \(colonne.nom) » est vide alors qu'elle est obligatoire\(precision). Complétez-la dans l'outil de suivi puis exportez à nouveau.")
        }

        func identifiant(_ colonne: Col) throws -> String {
            let t = brut(colonne)
            guard !t.isEmpty else { throw manquante(colonne) }
            guard t.count <= Validateur.longueurIdentifiant else {
                throw rejet(colonne, .champTropLong, "L'identifiant de « \(colonne.nom) » dépasse \(Validateur.longueurIdentifiant) caractères.")
            }
            return t
        }

        func identifiantFacultatif(_ colonne: Col) throws -> String? {
            let t = brut(colonne)
            if t.isEmpty { return nil }
            return try identifiant(colonne)
        }

        func texte(_ colonne: Col) throws -> String {
            let t = Normalisation.texte(brut(colonne))
            guard !t.isEmpty else { throw manquante(colonne) }
            guard t.count <= Validateur.longueurTexte else {
                throw rejet(colonne, .champTropLong, "Le texte de « \(colonne.nom) » dépasse \(Validateur.longueurTexte) caractères.")
            }
            return t
        }

        func date(_ colonne: Col, obligatoire: Bool, passeeSeulement: Bool) throws -> Jour? {
            switch Valeurs.date(brut(colonne), pivot: v.aujourdhui.annee, serielExcel: v.serielExcel, dates1904: v.dates1904) {
            case .vide:
                if obligatoire && !v.nonCollectees.contains(colonne.nom) { throw manquante(colonne) }
                return nil
            case .invalide:
                var message = "« \(Masque.extrait(brut(colonne))) » n'est pas une date valide pour « \(colonne.nom) ». Formats acceptés : AAAA-MM-JJ, JJ/MM/AAAA ou JJ/MM/AA (jour avant mois), ou le mois en lettres avec l'année sur quatre chiffres (3 févr. 2025), avec un jour qui existe."
                if Valeurs.moisSansJour(brut(colonne)) {
                    message += " Il manque le jour : écrivez la date complète, jour, mois et année (par exemple 03/02/2025 ou 3 février 2025)."
                } else if Validateur.moisAvantJour(brut(colonne)) {
                    message += " Cette date ne se lit que le mois en premier (MM/JJ/AAAA, un tableur réglé en anglais) : si toute la colonne est ainsi, ajoutez « format_date: MM/JJ/AAAA » à cette colonne dans le profil, ou enregistrez le classeur avec la langue Français ; les dates de cette colonne dont le jour est au plus 12 ont alors été lues à l'envers."
                } else if Validateur.numeroDeSerie(brut(colonne)) {
                    message += " Un nombre de cinq chiffres est une date Excel enregistrée sans son format : donnez à la colonne le format Date dans le tableur avant d'enregistrer le CSV."
                }
                throw rejet(colonne, .dateInvalide, message)
            case .valeur(let j):
                if passeeSeulement && j > v.aujourdhui {
                    throw rejet(colonne, .dateFuture,
                                "La date « \(Masque.extrait(brut(colonne))) » de « \(colonne.nom) » est dans le futur (aujourd'hui : \(v.aujourdhui.francais)). Vérifiez l'année et l'ordre jour/mois.")
                }
                // The observatory counts the activity of a C360 (2020 on): a date of the last
                // century is a typo — a year alone typed into a date cell (2025 becomes
                // 17/07/1905), a two-digit year after this one (27 read as 1927) — and would put
                // the row in a year no report shows.
                if j.annee < Validateur.anneeMinimale {
                    throw rejet(colonne, .dateInvalide, "La date « \(Masque.extrait(brut(colonne))) » de « \(colonne.nom) » est antérieure à \(Validateur.anneeMinimale) : vérifiez l'année (une année seule saisie dans une cellule au format date devient une date de 1905, une année sur deux chiffres après l'année en cours se lit au siècle dernier).")
                }
                return j
            }
        }

        func booleen(_ colonne: Col, obligatoire: Bool) throws -> Bool? {
            switch Valeurs.booleen(brut(colonne)) {
            case .vide:
                if obligatoire && !v.nonCollectees.contains(colonne.nom) { throw manquante(colonne, " (oui ou non)") }
                return nil
            case .invalide:
                throw rejet(colonne, .booleenInvalide,
                            "« \(Masque.extrait(brut(colonne))) » n'est pas une réponse oui/non lisible pour « \(colonne.nom) ». Valeurs acceptées : oui/non, o/n, 1/0, vrai/faux, true/false, x/vide, ✓/✗.")
            case .valeur(let b):
                return b
            }
        }

        func enumeration<E: RawRepresentable>(_ colonne: Col) throws -> E? where E.RawValue == String {
            let t = brut(colonne)
            // Most exports write the canonical value itself: no normalisation needed then.
            if let e = E(rawValue: t) { return e }
            // No letter, no digit: empty, unless it is a symbol (a check mark, a star), which
            // someone typed and is reported as a value not understood below.
            if Normalisation.cle(t).isEmpty && !Normalisation.symbolique(t) {
                if v.table.colonnes[index(colonne)].valeurObligatoire && !v.nonCollectees.contains(colonne.nom) { throw manquante(colonne) }
                return nil
            }
            let connues = v.enumerations[colonne.nom]!
            guard let canonique = connues[Normalisation.cle(t)], let e = E(rawValue: canonique) else {
                let valeurs = Set(connues.values).sorted()
                let proches = Normalisation.plusProches(t, parmi: valeurs, maximum: 1)
                let suggestion = proches.isEmpty ? "" : " Vouliez-vous dire « \(proches[0]) » ?"
                throw rejet(colonne, .valeurInconnue,
                            "« \(Masque.extrait(t)) » n'est pas une valeur prévue pour « \(colonne.nom) » (valeurs acceptées : \(valeurs.joined(separator: ", "))).\(suggestion)")
            }
            return e
        }

        func decimal(_ colonne: Col) throws -> Double {
            // Only ETP columns are decimal: a percentage (50 %) is read too.
            switch Valeurs.etp(brut(colonne)) {
            case .vide: throw manquante(colonne)
            case .invalide:
                throw rejet(colonne, .nombreInvalide, "« \(Masque.extrait(brut(colonne))) » n'est pas un nombre lisible pour « \(colonne.nom) » : écrivez un nombre, par exemple 1 pour un temps plein et 0,5 pour un mi-temps (0.5 et 50 % sont lus aussi).")
            case .valeur(let x): return x
            }
        }

        func entier(_ colonne: Col) throws -> Int {
            switch Valeurs.entier(brut(colonne)) {
            case .vide: throw manquante(colonne)
            case .invalide:
                throw rejet(colonne, .nombreInvalide, "« \(Masque.extrait(brut(colonne))) » n'est pas un nombre entier pour « \(colonne.nom) ».")
            case .valeur(let n): return n
            }
        }

        func niveau() throws -> Int? {
            switch Valeurs.entier(brut(.niveauIntervention)) {
            case .vide: return nil
            case .invalide:
                throw rejet(.niveauIntervention, .nombreInvalide, "« \(Masque.extrait(brut(.niveauIntervention))) » n'est pas un niveau d'intervention lisible (1, 2 ou 3).")
            case .valeur(let n):
                guard (1...3).contains(n) else {
                    throw rejet(.niveauIntervention, .valeurInconnue, "Le niveau d'intervention doit valoir 1, 2 ou 3 (trouvé : \(n)).")
                }
                return n
            }
        }

        func problematiques() throws -> [String] {
            let elements = Valeurs.liste(brut(.problematiques))
            if elements.isEmpty { return [] }
            var resultat: [String] = []
            for e in elements {
                if v.typologieExacte.contains(e) {
                    if !resultat.contains(e) { resultat.append(e) }
                    continue
                }
                guard let code = v.typologie[Normalisation.cle(e)] else {
                    let proches = Normalisation.plusProches(e, parmi: v.configuration.typologie, maximum: 1)
                    let suggestion = proches.isEmpty ? "" : " Vouliez-vous dire « \(proches[0]) » ?"
                    throw rejet(.problematiques, .valeurInconnue,
                                "« \(Masque.extrait(e)) » ne fait pas partie de la typologie des problématiques de observatoire.yml (\(v.configuration.typologie.joined(separator: ", "))).\(suggestion)")
                }
                if !resultat.contains(code) { resultat.append(code) }
            }
            return resultat
        }

        func territoire() throws -> String {
            let t = Normalisation.texte(brut(.territoire))
            guard !t.isEmpty else { throw manquante(.territoire) }
            guard t.count <= Validateur.longueurTexte else {
                throw rejet(.territoire, .champTropLong, "Le nom du territoire dépasse \(Validateur.longueurTexte) caractères.")
            }
            if v.territoires.isEmpty || v.territoiresExacts.contains(t) { return t }
            guard let canonique = v.territoires[Normalisation.cle(t)] else {
                let proches = Normalisation.plusProches(t, parmi: v.configuration.territoires, maximum: 1)
                let suggestion = proches.isEmpty ? "" : " Vouliez-vous dire « \(proches[0]) » ?"
                throw rejet(.territoire, .territoireInconnu,
                            "Le territoire « \(Masque.extrait(t)) » n'est pas dans la liste de observatoire.yml (\(v.configuration.territoires.joined(separator: ", "))).\(suggestion) Corrigez l'export, ou ajoutez le territoire à la configuration.")
            }
            return canonique
        }

        func departement() throws -> String {
            let b = brut(.departement)
            if b.isEmpty { return v.configuration.departement }
            // Upper-cased (2a → 2A) only when there is a lower-case or non-ASCII letter: most codes
            // are digits, and this runs for every request.
            var d = b.utf8.contains { ($0 >= 0x61 && $0 <= 0x7A) || $0 >= 0x80 } ? b.uppercased() : b
            // Spreadsheets drop leading zeros: 1 stands for 01.
            if d.count == 1, d.allSatisfy(\.isNumber) { d = "0" + d }
            if d.hasSuffix(".0") { d.removeLast(2) }
            guard Configuration.estCodeDepartement(d) else {
                throw rejet(.departement, .valeurInconnue,
                            "« \(Masque.extrait(brut(.departement))) » n'est pas un code de département INSEE (exemples : 62, 2A, 971).")
            }
            return d
        }
    }
}
