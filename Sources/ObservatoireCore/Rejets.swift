import Foundation

/// The rules a row can break, with stable names (they appear in `motifs` of the JSON output,
/// in the rejects table and in reports; scripts rely on them).
public enum RegleRejet: String, CaseIterable, Sendable, Codable {
    /// A required value is empty.
    case valeurManquante = "valeur_manquante"
    /// An enumerated value (profil, décision…) is not one of the spec's.
    case valeurInconnue = "valeur_inconnue"
    /// A territory not in the configured list.
    case territoireInconnu = "territoire_inconnu"
    /// An unparseable or impossible date (31/02).
    case dateInvalide = "date_invalide"
    /// A date after today.
    case dateFuture = "date_future"
    /// Dates in the wrong order (a proposition before its request, a closure before the request…).
    case dateIncoherente = "date_incoherente"
    /// A number that cannot be read.
    case nombreInvalide = "nombre_invalide"
    /// A value outside its bounds (`etp` outside (0, 1], a year out of range).
    case horsBornes = "hors_bornes"
    /// A boolean that is none of oui/non, o/n, 1/0, true/false, vrai/faux, x/empty.
    case booleenInvalide = "booleen_invalide"
    /// A reference to a request or an actor that does not exist.
    case referenceInconnue = "reference_inconnue"
    /// An identifier already seen in the same file.
    case doublon = "doublon"
    /// A row with more non-empty fields than the header has columns, or a quote never closed.
    case ligneMalformee = "ligne_malformee"
    /// A field over the size limit.
    case champTropLong = "champ_trop_long"
    /// Bytes that are not text in the file's encoding (mixed encodings, NUL byte).
    case encodageInvalide = "encodage_invalide"
    /// A workbook cell whose value cannot be known (a reference to a shared string that does not
    /// exist, a formula saved without its computed value).
    case celluleIllisible = "cellule_illisible"

    /// A short French label for summaries and reports.
    public var libelle: String {
        switch self {
        case .valeurManquante: return "valeur obligatoire manquante"
        case .valeurInconnue: return "valeur non prévue par le format"
        case .territoireInconnu: return "territoire absent de la configuration"
        case .dateInvalide: return "date illisible ou impossible"
        case .dateFuture: return "date dans le futur"
        case .dateIncoherente: return "dates dans le désordre"
        case .nombreInvalide: return "nombre illisible"
        case .horsBornes: return "valeur hors des bornes"
        case .booleenInvalide: return "oui/non illisible"
        case .referenceInconnue: return "référence inconnue"
        case .doublon: return "identifiant en double (dans le fichier, ou déjà celui d'une autre demande ou d'un autre classeur)"
        case .ligneMalformee: return "ligne mal formée"
        case .champTropLong: return "champ trop long"
        case .encodageInvalide: return "caractères illisibles"
        case .celluleIllisible: return "cellule de classeur illisible"
        }
    }
}

/// Where a problem must be fixed: in the tracker (the export's source), or in the mapping
/// profile that reads it (a value it does not translate, a constant it sets).
public enum Correction: String, Sendable, Codable {
    case tableur
    case profil

    public var libelle: String {
        switch self {
        case .tableur: return "dans le tableur ou l'outil de suivi"
        case .profil: return "dans le profil de correspondance"
        }
    }
}

/// A rejected row: where it is, the column and value at fault, the rule broken and a French
/// message saying what to do.
public struct Rejet: Equatable, Sendable {
    /// Line of the file where the row starts (the header is line 1), or the row of the sheet.
    public var ligne: Int
    /// The canonical column at fault.
    public var colonne: String?
    /// A masked excerpt of the offending value (``Masque``); never kept for `personne_id`.
    public var valeur: String?
    public var regle: RegleRejet
    public var message: String
    /// The row's identifier when it could be read (the rejected row can then be matched with a
    /// later correction).
    public var identifiant: String?
    /// The column of the source as its header names it (« Qui appelle ? »), when a profile
    /// mapped it.
    public var colonneSource: String?
    /// Where the fix belongs.
    public var correction: Correction = .tableur

    public init(ligne: Int, colonne: String?, valeur: String?, regle: RegleRejet, message: String) {
        self.ligne = ligne
        self.colonne = colonne
        self.valeur = Rejet.borner(valeur, colonne: colonne)
        self.regle = regle
        self.message = message
    }

    /// The message as kept: control characters removed, bounded.
    public var messageBorne: String {
        let m = TexteSur.sansControles(message)
        return m.count > Rejet.longueurMessage ? String(m.prefix(Rejet.longueurMessage)) + "…" : m
    }

    /// A value as it may be kept: never for `personne_id`, otherwise a short masked excerpt
    /// (a value in the wrong column may be a name or a phone number).
    public static func borner(_ valeur: String?, colonne: String?) -> String? {
        if colonne == "personne_id" { return nil }
        return Masque.extrait(valeur)
    }

    /// Longest message kept (with the database's own bound, `Ecrivain`).
    public static let longueurMessage = 1_000
}

/// What is missing on a row that is stored all the same, because it can be counted honestly
/// without it (an empty `problematiques` on a request for a solution: the request counts in
/// 1.1, its propositions in 1.4–2.3, and it is *non renseigné* in 1.3).
public enum RegleAvertissement: String, CaseIterable, Sendable, Codable {
    case problematiquesNonRenseignees = "problematiques_non_renseignees"
    case personneNonIdentifiee = "personne_non_identifiee"

    public var libelle: String {
        switch self {
        case .problematiquesNonRenseignees: return "problématiques non renseignées (demande de recherche de solution)"
        case .personneNonIdentifiee: return "personne non identifiée (« anonyme », « inconnu »…), comptée à part"
        }
    }
}

/// A warning on a stored row: where it is, the column, the rule and a French message.
public struct Avertissement: Equatable, Sendable {
    public var ligne: Int
    public var colonne: String?
    public var regle: RegleAvertissement
    public var message: String
    public var identifiant: String?
    public var colonneSource: String?

    public init(ligne: Int, colonne: String?, regle: RegleAvertissement, message: String,
                identifiant: String? = nil, colonneSource: String? = nil) {
        self.ligne = ligne
        self.colonne = colonne
        self.regle = regle
        self.message = message
        self.identifiant = identifiant
        self.colonneSource = colonneSource
    }
}
