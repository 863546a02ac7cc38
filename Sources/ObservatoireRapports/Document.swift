import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

// The format-neutral report document: the annual report and the dashboard are built once as
// sections of blocks (key figures, indicator tables, breakdowns with their chart, notes, free
// text), and the XLSX, HTML and PDF writers only lay these blocks out. Every figure in it is
// already French text (with the number a spreadsheet needs beside it), and it is built only
// from published values (see ``DonneesPubliees``): a writer cannot reach anything else.

/// A figure as the reader sees it, and the number a spreadsheet keeps when there is one.
public struct Mesure: Sendable, Equatable {
    public enum Format: Sendable, Equatable { case entier, decimal1, decimal2, jours, etp, pourcent, evolution, points }
    public enum Etat: Sendable, Equatable {
        /// A figure (`nombre` holds it).
        case valeur
        /// Withheld by the small-count rule (« moins de 5 », « masqué », « effectif insuffisant »).
        case masque
        /// A status in words (« non collecté », « non calculable », « pas de données »).
        case statut
        /// Nothing to show.
        case vide
    }

    public var texte: String
    public var nombre: Double?
    public var format: Format
    public var etat: Etat

    public static let vide = Mesure(texte: "", nombre: nil, format: .entier, etat: .vide)
    /// Shown when a value is simply absent from the data (a territory without the indicator).
    public static let absent = Mesure(texte: "—", nombre: nil, format: .entier, etat: .vide)
    public var estChiffre: Bool { etat == .valeur && nombre != nil }
}

/// Whether a target is met, in words (never by colour alone).
public enum Atteinte: Sendable, Equatable {
    case sansCible
    case atteinte
    case nonAtteinte
    /// A target, but no value to compare (status in words): counted neither as met nor missed.
    case nonJugee(String)

    public var texte: String {
        switch self {
        case .sansCible: return "pas de cible"
        case .atteinte: return "atteinte"
        case .nonAtteinte: return "non atteinte"
        case .nonJugee(let s): return s
        }
    }
}

/// A cell of a document table.
public enum Cellule: Sendable, Equatable {
    case texte(String)
    case mesure(Mesure)
    /// A value with its rate below it (compact tables); a spreadsheet keeps the main one.
    case valeurEtTaux(Mesure, Mesure?)
    case atteinte(Atteinte)
    case vide
}

public struct LigneDocument: Sendable, Equatable {
    /// The indicator the row is about (kept as `data-code`, and in a workbook's N° column).
    public var code: String?
    /// The number shown to the reader: an official indicator's (1.6); none for the extras.
    public var numero: String?
    /// The row header.
    public var entete: String
    /// A precision under the row header (how the rate reads).
    public var precision: String?
    public var cellules: [Cellule]

    public init(code: String? = nil, numero: String? = nil, entete: String, precision: String? = nil, cellules: [Cellule]) {
        self.code = code
        self.numero = numero
        self.entete = entete
        self.precision = precision
        self.cellules = cellules
    }
}

public struct GroupeDocument: Sendable, Equatable {
    public var titre: String?
    public var lignes: [LigneDocument]
}

/// A data table: caption, the row headers' column, data columns, row groups, a footer.
public struct TableauDocument: Sendable, Equatable {
    public var legende: String
    /// The title of the row headers' column.
    public var enTeteLignes: String
    /// Whether the rows carry an indicator number (its own column in a spreadsheet).
    public var avecCode: Bool
    public var colonnes: [String]
    public var groupes: [GroupeDocument]
    public var pied: [LigneDocument] = []
    /// A summary table: on a phone each row becomes a block of labelled figures.
    public var resume = false
    /// Too wide for a phone: it scrolls within its own (focusable) region there.
    public var large = false

    public init(legende: String, enTeteLignes: String, avecCode: Bool = false, colonnes: [String],
                groupes: [GroupeDocument], pied: [LigneDocument] = [], resume: Bool = false, large: Bool = false) {
        self.legende = legende
        self.enTeteLignes = enTeteLignes
        self.avecCode = avecCode
        self.colonnes = colonnes
        self.groupes = groupes
        self.pied = pied
        self.resume = resume
        self.large = large
    }

    public var lignes: [LigneDocument] { groupes.flatMap(\.lignes) }
}

/// One bar (or column) of a chart: drawn only when `valeur` is a published figure; otherwise
/// only its text (« moins de 5 », « non collecté ») is written, never a bar.
public struct PointGraphique: Sendable, Equatable {
    public var libelle: String
    public var valeur: Double?
    public var texte: String
    public var masque: Bool = false
    /// The point's own target, marked on its row (dot plot), when the targets differ.
    public var cible: Double? = nil
}

/// A reference line across a chart (the consolidated value, a target shared by every row).
public struct RepereGraphique: Sendable, Equatable {
    public var valeur: Double
    public var texte: String

    public init(valeur: Double, texte: String) {
        self.valeur = valeur
        self.texte = texte
    }
}

public struct PanneauGraphique: Sendable, Equatable {
    public var titre: String
    public var points: [PointGraphique]
}

public struct Graphique: Sendable, Equatable {
    /// `points`: one row per item ranked by value, a dot at its value (consolidation).
    public enum Genre: Sendable, Equatable { case colonnes, barres, petitsMultiples, colonnettes, points }
    public var genre: Genre
    public var titre: String
    public var description: String
    public var axeX: String = ""
    public var axeY: String = ""
    public var serie: [PointGraphique] = []
    public var nomSerie: String = ""
    public var precedent: [PointGraphique]? = nil
    public var nomPrecedent: String = ""
    public var panneaux: [PanneauGraphique] = []
    public var entiers = true
    /// Unit after the top graduation of small columns (« % », « j »).
    public var unite: String = ""
    /// The consolidated value, drawn as a dashed line (dot plot).
    public var ensemble: RepereGraphique? = nil
    /// A target shared by every row, drawn as a solid line (dot plot).
    public var cible: RepereGraphique? = nil
}

/// A chart and the table of its figures; `colonneSerie` is the table column it plots.
public struct FigureDocument: Sendable, Equatable {
    public var graphique: Graphique
    public var tableau: TableauDocument
    public var note: String?
    public var colonneSerie: Int = 0
    /// The chart spans the page, the table below it (months).
    public var pleine = false
    /// Only the first rows of the table are charted in a workbook (the published ones, ranked).
    public var lignesGraphique: Int? = nil
}

/// One département's square in a tile map.
public struct TuileCarte: Sendable, Equatable {
    public enum Etat: Sendable, Equatable {
        /// A published figure, in the colour class `classe` (0 = lightest).
        case valeur(classe: Int)
        /// A file, but no figure to show (withheld, not collected, not computable).
        case nonPublie
        /// No file from this département.
        case sansFichier
    }

    public var code: String
    public var nom: String
    /// Row and column in the grid, from 1.
    public var ligne: Int
    public var colonne: Int
    /// What the square says under the code (« 72,4 % », « < 5 »).
    public var texte: String
    /// The same in full words, for the square's tooltip.
    public var libelle: String
    public var etat: Etat

    public init(code: String, nom: String, ligne: Int, colonne: Int, texte: String, libelle: String, etat: Etat) {
        self.code = code
        self.nom = nom
        self.ligne = ligne
        self.colonne = colonne
        self.texte = texte
        self.libelle = libelle
        self.etat = etat
    }
}

/// A tile map of départements (each a square at a fixed place, coloured by its value, the value
/// written in it), with its legend and the table of the same figures.
public struct CarteDocument: Sendable, Equatable {
    public var titre: String
    public var description: String
    public var tuiles: [TuileCarte]
    /// The colour classes, lightest first (« de 55,0 % à 62,3 % »).
    public var classes: [String]
    public var tableau: TableauDocument
    public var note: String?

    public init(titre: String, description: String, tuiles: [TuileCarte], classes: [String], tableau: TableauDocument, note: String? = nil) {
        self.titre = titre
        self.description = description
        self.tuiles = tuiles
        self.classes = classes
        self.tableau = tableau
        self.note = note
    }
}

public struct ChiffreCle: Sendable, Equatable {
    public var code: String
    /// The number shown (official indicators only).
    public var numero: String?
    public var intitule: String
    public var principal: Mesure
    public var details: [String]
    /// The same figure for the previous period, and its label (« En 2024 »).
    public var precedent: Mesure?
    public var libellePrecedent: String
    public var evolution: Mesure?
    public var cible: String?
    public var atteinte: Atteinte
}

public struct Tendance: Sendable, Equatable {
    public var code: String
    public var numero: String?
    public var titre: String
    public var dernier: String
    public var dernierMasque: Bool
    public var precisions: [String]
    public var cible: String?
    public var atteinte: Atteinte
    public var graphique: Graphique
}

public struct Definition: Sendable, Equatable {
    public var code: String
    public var titre: String
    public var texte: String
    public var precision: String?
}

public enum StyleParagraphe: Sendable, Equatable { case normal, chapeau, precision, avertissement, bilan }

public enum Bloc: Sendable, Equatable {
    case paragraphe(String, StyleParagraphe)
    case titre(String)
    case chiffresCles([ChiffreCle])
    case tableau(TableauDocument)
    case figure(FigureDocument)
    case notes([String])
    /// Text written by people (the narrative, the methodology), in Markdown.
    case markdown(String, nomDesTableaux: String)
    case tendances([Tendance])
    case definitions([Definition])
    /// A tile map of départements and its table (consolidation).
    case carte(CarteDocument)
}

public struct SectionDocument: Sendable, Equatable {
    public var id: String
    public var titre: String
    /// The sheet's name in a workbook (31 characters at most).
    public var onglet: String
    public var blocs: [Bloc]
}

/// The whole report or dashboard, ready to be laid out.
public struct DocumentRapport: Sendable {
    public enum Genre: String, Sendable { case rapport, tableauDeBord = "tableau-de-bord", consolidation }

    public let genre: Genre
    public let titre: String
    /// The browser tab's title.
    public let titrePage: String
    public let sousTitre: String
    public let nomC360: String
    public let departement: String
    public let extraction: Date
    public let diffusion: Diffusion
    public let seuil: Int
    /// What every printed page says at its top left.
    public let enTeteImpression: String
    public let sections: [SectionDocument]

    public var libelleDiffusion: String { diffusion == .interne ? "Diffusion interne" : "Diffusion externe" }

    /// The explanation of the diffusion level, shown in the header.
    public var texteDiffusion: String {
        if genre == .consolidation {
            return "Consolidation des indicateurs publiés par les Communautés 360 (leurs exports externes, secret statistique appliqué). Aucun chiffre masqué par une C360 (« moins de \(seuil) », « masqué », « effectif insuffisant ») n'est lu, ni estimé, ni retrouvé : les chiffres d'ensemble n'additionnent que des chiffres publiés, et disent combien de C360 ils couvrent."
        }
        switch diffusion {
        case .interne:
            return "Document de travail de la coordination : tous les effectifs sont affichés. Ne pas diffuser hors de la Communauté 360."
        case .externe:
            return "Secret statistique appliqué. Tout effectif de 1 à \(seuil - 1) (sollicitations, propositions, personnes, acteurs, postes) est remplacé par « moins de \(seuil) », ainsi que le taux ou la part qui en découle (« masqué ») ; une seconde case est masquée quand la première pourrait être retrouvée par différence avec le total, ou quand un taux laisserait lire un petit écart entre ses deux nombres (8 sur 9 : 1). Un délai ou une moyenne calculés sur moins de \(seuil) demandes, ou publiés à côté d'une tranche de délai masquée, ne sont pas publiés (« effectif insuffisant »)."
        }
    }
}
