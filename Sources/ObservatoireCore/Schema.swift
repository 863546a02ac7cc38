import Foundation

/// The kind of value a column of the canonical export holds.
public enum TypeColonne: Equatable, Sendable {
    case texte
    case date
    case booleen
    case decimal
    case entier
    /// One of the listed values (matched after normalisation).
    case enumeration([String])
    /// Several values of the configured problem typology.
    case liste
}

/// When a column must hold a value.
public enum Obligation: Equatable, Sendable {
    case oui
    case non
    /// Expected when `type_demande` is `recherche_solution` (the `problematiques` column); an
    /// empty value is a warning, and the column may be absent from a source that does not
    /// collect problem types (1.3 then reads « non collecté »).
    case siRechercheSolution
    /// Required on every row **when the source collects it**: a source without the column (a
    /// tracker that does not record the proposal dates) is imported, the value is left empty,
    /// and the indicators that need it read « non collecté » instead of a false zero.
    case siCollectee
}

/// One column of a canonical table, as `spec/format-export.md` lists it.
public struct Colonne: Equatable, Sendable {
    public let nom: String
    public let type: TypeColonne
    public let obligation: Obligation
    /// The French header a person would write (« Date de la sollicitation »): the headers of the
    /// ready-made tracker (`c360 modele-suivi`), accepted on import as well as `nom`.
    public let libelle: String

    public init(_ nom: String, _ type: TypeColonne, _ obligation: Obligation, _ libelle: String) {
        self.nom = nom
        self.type = type
        self.obligation = obligation
        self.libelle = libelle
    }

    /// The column must be present in the header of a file: only what identifies and dates a
    /// row, and places it in a territory.
    public var enTeteObligatoire: Bool { obligation == .oui }

    /// Every row must hold a value when the column is in the file.
    public var valeurObligatoire: Bool { obligation == .oui || obligation == .siCollectee }

    /// The normalised header names that designate this column: its name and its French label.
    public var clesEntete: [String] { [Normalisation.cle(nom), Normalisation.cle(libelle)] }
}

/// The five tables of the canonical export, in the order they must be imported
/// (a table only references tables before it).
public enum TableCanonique: String, CaseIterable, Comparable, Sendable {
    case acteurs
    case equipe
    case membresCoeur = "membres_coeur"
    case sollicitations
    case propositions

    public static func < (a: TableCanonique, b: TableCanonique) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    private static func valeurs<E: RawRepresentable & CaseIterable>(_: E.Type) -> TypeColonne where E.RawValue == String {
        .enumeration(E.allCases.map(\.rawValue))
    }

    /// The columns, in the spec's order (the order validation checks them in).
    public var colonnes: [Colonne] {
        switch self {
        case .sollicitations: return TableCanonique.colonnesSollicitations
        case .propositions: return TableCanonique.colonnesPropositions
        case .acteurs: return TableCanonique.colonnesActeurs
        case .equipe: return TableCanonique.colonnesEquipe
        case .membresCoeur: return TableCanonique.colonnesMembresCoeur
        }
    }

    private static let colonnesSollicitations = TableCanonique.sollicitations.definirColonnes()
    private static let colonnesPropositions = TableCanonique.propositions.definirColonnes()
    private static let colonnesActeurs = TableCanonique.acteurs.definirColonnes()
    private static let colonnesEquipe = TableCanonique.equipe.definirColonnes()
    private static let colonnesMembresCoeur = TableCanonique.membresCoeur.definirColonnes()

    private func definirColonnes() -> [Colonne] {
        switch self {
        case .sollicitations:
            return [
                Colonne("id_sollicitation", .texte, .oui, "Identifiant de la sollicitation"),
                Colonne("date_sollicitation", .date, .oui, "Date de la sollicitation"),
                Colonne("personne_id", .texte, .oui, "Identifiant de la personne"),
                Colonne("profil", Self.valeurs(Profil.self), .siCollectee, "Profil de la personne"),
                Colonne("type_demande", Self.valeurs(TypeDemande.self), .siCollectee, "Type de demande"),
                Colonne("problematiques", .liste, .siRechercheSolution, "Problématiques"),
                Colonne("origine", Self.valeurs(Origine.self), .siCollectee, "Origine de la demande"),
                Colonne("accompagnee", .booleen, .siCollectee, "Situation accompagnée"),
                Colonne("projet_vie_co_construit", Self.valeurs(ProjetVieCoConstruit.self), .non, "Projet de vie co-construit avec"),
                Colonne("territoire", .texte, .oui, "Territoire"),
                Colonne("departement", .texte, .non, "Département"),
                Colonne("canal", Self.valeurs(Canal.self), .non, "Canal d'entrée"),
                Colonne("niveau_intervention", .entier, .non, "Niveau d'intervention"),
                Colonne("orientation_rapt", .booleen, .non, "Orientation vers la RAPT"),
                Colonne("tranche_age", Self.valeurs(TrancheAge.self), .non, "Tranche d'âge"),
                Colonne("date_cloture", .date, .non, "Date de clôture"),
            ]
        case .propositions:
            return [
                Colonne("id_proposition", .texte, .oui, "Identifiant de la proposition"),
                Colonne("id_sollicitation", .texte, .oui, "Identifiant de la sollicitation"),
                Colonne("date_proposition", .date, .siCollectee, "Date de la proposition"),
                Colonne("evaluation_preexistante", .booleen, .siCollectee, "Construite sur une évaluation préexistante"),
                Colonne("ad_hoc_partenaires", .booleen, .siCollectee, "Solution ad hoc avec des partenaires"),
                Colonne("milieu_ordinaire", .booleen, .siCollectee, "Inclut du milieu ordinaire"),
                Colonne("decision", Self.valeurs(Decision.self), .siCollectee, "Décision"),
                Colonne("date_decision", .date, .non, "Date de la décision"),
                Colonne("acteur_id", .texte, .non, "Identifiant de l'acteur"),
            ]
        case .acteurs:
            return [
                Colonne("acteur_id", .texte, .oui, "Identifiant de l'acteur"),
                Colonne("nom", .texte, .oui, "Nom de l'organisation"),
                Colonne("categorie", Self.valeurs(Categorie.self), .oui, "Catégorie"),
                Colonne("membre_coeur", .booleen, .oui, "Membre cœur"),
                Colonne("partenaire", .booleen, .oui, "Partenaire engagé"),
                Colonne("date_referencement", .date, .oui, "Date de référencement"),
                Colonne("date_sortie", .date, .non, "Date de sortie de l'annuaire"),
            ]
        case .equipe:
            return [
                Colonne("poste_id", .texte, .oui, "Identifiant du poste"),
                Colonne("fonction", Self.valeurs(Fonction.self), .oui, "Fonction"),
                Colonne("etp", .decimal, .oui, "ETP"),
                Colonne("recherche_solutions", .booleen, .oui, "Dédié à la recherche de solutions"),
                Colonne("date_debut", .date, .oui, "Date de début"),
                Colonne("date_fin", .date, .non, "Date de fin"),
            ]
        case .membresCoeur:
            return [
                Colonne("annee", .entier, .oui, "Année"),
                Colonne("membre", .texte, .oui, "Membre cœur (organisation)"),
                Colonne("etp", .decimal, .oui, "ETP"),
            ]
        }
    }

    /// The columns whose values identify a row (unique within a file; a later import with the
    /// same identifier updates the row, unless it plainly describes another request: see
    /// `Ecrivain.Operation.autreDemande`).
    public var identifiant: [String] {
        switch self {
        case .sollicitations: return ["id_sollicitation"]
        case .propositions: return ["id_proposition"]
        case .acteurs: return ["acteur_id"]
        case .equipe: return ["poste_id"]
        case .membresCoeur: return ["annee", "membre"]
        }
    }

    /// A French label for messages (« le fichier des sollicitations »).
    public var libelle: String {
        switch self {
        case .sollicitations: return "sollicitations"
        case .propositions: return "propositions"
        case .acteurs: return "acteurs (annuaire)"
        case .equipe: return "équipe"
        case .membresCoeur: return "membres cœur"
        }
    }

    /// The table a file name designates (`sollicitations-2025-03.csv`, `Membres cœur.xlsx`),
    /// if exactly one.
    public static func depuisNomDeFichier(_ nom: String) -> TableCanonique? {
        let n = Normalisation.cle(nom)
        let trouvees = allCases.filter { n.contains(Normalisation.cle($0.rawValue)) }
        return trouvees.count == 1 ? trouvees[0] : nil
    }

    /// The table named by the user (`--table`), matched after normalisation.
    public static func depuisNom(_ nom: String) -> TableCanonique? {
        let n = Normalisation.cle(nom)
        return allCases.first { Normalisation.cle($0.rawValue) == n }
    }
}

/// The ready-made tracker (`c360 modele-suivi`) marks itself with a hidden sheet of this name,
/// which says `format: modele-suivi` and `instantane: oui`: the workbook is a complete register,
/// and each import of it is a snapshot.
public enum RegistreSuivi {
    public static let feuilleMarque = "c360"
    /// The sheet of each table, in the order a coordinator fills them (written by
    /// `c360 modele-suivi`, read back by the import).
    public static let feuilles: [(TableCanonique, String)] = [
        (.sollicitations, "Sollicitations"), (.propositions, "Propositions"), (.acteurs, "Acteurs"),
        (.equipe, "Équipe"), (.membresCoeur, "Membres cœur"),
    ]
    /// The sheets of the ready-made tracker that hold no table.
    public static let feuillesAnnexes = ["Mode d'emploi", "Listes", feuilleMarque]
}
