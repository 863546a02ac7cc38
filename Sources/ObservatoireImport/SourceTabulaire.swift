import Foundation
import ObservatoireCore

/// Something wrong with a raw record that the reader saw, before any validation.
public enum AnomalieLecture: Equatable, Sendable {
    /// Bytes that are not text in the file's encoding (mixed encodings).
    case encodage(String)
    /// A NUL character, which is not text, wherever it came from (a byte 0 in a CSV file, a
    /// `&#0;` or a raw 0 in a workbook cell). Other control characters are kept by both readers;
    /// tabs and line breaks are ordinary text in a cell.
    case caractereNul
    /// A field over the size limit (its column index).
    case champTropLong(colonne: Int, taille: Int)
    /// More fields than the reader accepts in one row.
    case tropDeChamps(Int)
    /// The file ends inside a quoted field.
    case guillemetNonFerme
    /// Workbook cells whose value cannot be known (in row order; at least one).
    case cellulesIllisibles([CelluleIllisible])
    /// A workbook row numbered at or before a row that came earlier in the sheet (a crafted or
    /// damaged file: Excel numbers rows in order). `precedente` is the largest number seen before.
    case ligneDesordonnee(precedente: Int)

    /// A short French phrase for a message (« la ligne contient un caractère nul (code 0) »).
    public var texte: String {
        switch self {
        case .encodage(let m): return m
        case .caractereNul: return "la ligne contient un caractère nul (code 0)"
        case .champTropLong(_, let t): return "un champ dépasse la taille maximale de \(FormatFrancais.entier(t)) octets"
        case .tropDeChamps(let n): return "plus de \(n - 1) champs"
        case .guillemetNonFerme: return "un guillemet ouvert n'est jamais fermé"
        case .cellulesIllisibles(let c): return c[0].texte
        case .ligneDesordonnee(let p): return "son numéro de ligne ne vient pas après celui de la ligne précédente (\(p))"
        }
    }
}

/// A workbook cell whose value the reader cannot know.
public struct CelluleIllisible: Equatable, Sendable {
    public enum Nature: Equatable, Sendable {
        /// A shared-string cell (`t="s"`) whose index is not a number or points outside the
        /// workbook's table of shared strings.
        case texteIntrouvable
        /// A formula saved without its computed value (files written by a program, such as
        /// openpyxl, rather than by a spreadsheet).
        case formuleSansValeur
        /// A cell given twice in one row (a crafted or damaged file): which value is right is
        /// unknown.
        case repetee
        /// An Excel error value (`t="e"`: `#N/A` from a failed lookup, `#REF!`, `#DIV/0!`…)
        /// instead of a value. `code` is the name Excel shows for one of its own error codes
        /// (never other text of the file: nil for anything else), so a message may name it.
        case erreurExcel(code: String?)
    }

    /// 0-based column and 1-based row, as in the sheet.
    public var colonne: Int
    public var ligne: Int
    public var nature: Nature

    public var estErreurExcel: Bool {
        if case .erreurExcel = nature { return true }
        return false
    }

    /// `N2`, as Excel shows it.
    public var reference: String { ReferenceCellule.texte(ligne: ligne, colonne: colonne) }

    /// Excel's error values as stored in the file (always in English), each with the name a
    /// French Excel shows (`#VALUE!` is shown `#VALEUR!`): the only text of an error cell a
    /// message may repeat (a crafted file could put anything in `<v>`). The newer codes are
    /// shown as stored.
    public static let codesErreurExcel: [String: String] = [
        "#NULL!": "#NUL!", "#DIV/0!": "#DIV/0!", "#VALUE!": "#VALEUR!", "#REF!": "#REF!", "#NAME?": "#NOM?",
        "#NUM!": "#NOMBRE!", "#N/A": "#N/A", "#GETTING_DATA": "#GETTING_DATA", "#SPILL!": "#SPILL!", "#CALC!": "#CALC!",
        "#FIELD!": "#FIELD!", "#BLOCKED!": "#BLOCKED!", "#CONNECT!": "#CONNECT!", "#BUSY!": "#BUSY!", "#UNKNOWN!": "#UNKNOWN!",
        "#PYTHON!": "#PYTHON!", "#EXTERNAL!": "#EXTERNAL!",
    ]

    public var texte: String {
        switch nature {
        case .texteIntrouvable: return "la cellule \(reference) renvoie à un texte absent du classeur"
        case .formuleSansValeur: return "la cellule \(reference) contient une formule dont la valeur n'a pas été calculée"
        case .repetee: return "la cellule \(reference) apparaît deux fois dans la ligne"
        case .erreurExcel(let code): return "la cellule \(reference) contient une erreur Excel\(code.map { " (\($0))" } ?? "") au lieu d'une valeur"
        }
    }
}

/// One record as read from a file: the fields in header order, decoded to text.
public struct EnregistrementBrut: Sendable {
    /// Line of the file where the record starts (the header is line 1 for a CSV file,
    /// the row number for a sheet).
    public var ligne: Int
    public var champs: [String]
    public var anomalie: AnomalieLecture?
    /// The positions (0-based, increasing) whose value a formula of the workbook gave, error
    /// values and formulas saved without a value included (always empty for a CSV file).
    public var calculees: [Int]

    public init(ligne: Int, champs: [String], anomalie: AnomalieLecture? = nil, calculees: [Int] = []) {
        self.ligne = ligne
        self.champs = champs
        self.anomalie = anomalie
        self.calculees = calculees
    }
}

/// A table read row by row from a file (CSV or a sheet of a workbook). Sources stream: they
/// never hold the whole file in memory.
public protocol SourceTabulaire: AnyObject {
    /// The header's column names as written in the file.
    var entete: [String] { get }
    /// Passes every record after the header to `traiter`, in order. Blank records are skipped
    /// and counted. (A push interface, because a workbook's sheet is inflated in chunks pushed
    /// by the ZIP library.)
    func parcourir(_ traiter: (EnregistrementBrut) throws -> Void) throws
    /// Blank records skipped so far.
    var lignesVides: Int { get }
    /// Bytes read so far and in total, for progress.
    var octetsLus: Int { get }
    var tailleTotale: Int { get }
    /// SHA-256 of the file's bytes (hexadecimal), known once the file has been read whole.
    func empreinte() throws -> String
    /// What the file turned out to be, for the summary (« CSV ; séparateur ; UTF-8 »).
    var description: String { get }
    /// Whether the file changed (size or date) since it was opened: it is still being written.
    var aChange: Bool { get }
    /// The file's state when it was opened.
    var identite: IdentiteFichier { get }
    /// Closes the file now (a run with many files must not hold them all open).
    func liberer()
    /// Whether the date serials of the file count from 1904 (a workbook's `date1904`).
    var dates1904: Bool { get }
    /// Whether every row holds every cell up to its last column, empty ones included (a CSV
    /// file); a sheet omits empty cells, so its rows are often shorter than the header.
    var lignesCompletes: Bool { get }
}

extension SourceTabulaire {
    public var dates1904: Bool { false }
    public var lignesCompletes: Bool { true }
}

/// A file that cannot be read as a table at all: nothing of it is stored (exit code 65).
public struct FichierIllisible: Error, CustomStringConvertible, Sendable {
    public var fichier: String
    public var raison: String
    public var conseil: String
    /// The file is not wrong, only not finished (still being written): the monthly run leaves it
    /// in the inbox for the next run.
    public var enAttente = false

    public init(fichier: String, raison: String, conseil: String, enAttente: Bool = false) {
        self.fichier = fichier
        self.raison = raison
        self.conseil = conseil
        self.enAttente = enAttente
    }

    public var description: String { "« \(TexteSur.surUneLigne(fichier)) » : \(raison)\n→ \(conseil)" }

    /// Opens an export safely (a regular file, never through a link, never blocking on a FIFO).
    static func ouvrir(_ url: URL) throws -> FichierOuvert {
        do {
            return try FichierSur.ouvrir(url)
        } catch let e as ErreurFichier {
            throw FichierIllisible(e, fichier: url.lastPathComponent)
        }
    }

    public init(_ e: ErreurFichier, fichier: String) {
        switch e.nature {
        case .lienSymbolique:
            self.init(fichier: fichier, raison: "c'est un lien symbolique (un raccourci vers un autre fichier) : par sécurité, c360 ne le suit pas et ne lit pas ce qu'il désigne",
                      conseil: "Déposez le fichier lui-même (une copie), pas un lien.")
        case .enCoursDEcriture:
            self.init(fichier: fichier, raison: e.raison, conseil: e.conseil, enAttente: true)
        default:
            self.init(fichier: fichier, raison: e.raison, conseil: e.conseil)
        }
    }

    /// A file that changed while it was read.
    static func enCoursDEcriture(_ fichier: String) -> FichierIllisible {
        FichierIllisible(ErreurFichier(fichier, .enCoursDEcriture), fichier: fichier)
    }

    /// What to do with a file the tool cannot read: save it again in a format it reads.
    public static let reenregistrer = "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx ou CSV UTF-8."

    /// An old binary Excel workbook, whatever its extension.
    public static func xls(_ fichier: String, extensionTrompeuse: Bool = false) -> FichierIllisible {
        FichierIllisible(fichier: fichier,
                         raison: "c'est un classeur Excel 97-2003 (.xls)" + (extensionTrompeuse ? " portant une autre extension" : ", format non pris en charge"),
                         conseil: reenregistrer)
    }

    /// A workbook protected by a password to open: Excel (and LibreOffice) write it as an OLE
    /// container, the magic bytes of an `.xls`, whose streams hold the encrypted `.xlsx`.
    public static func chiffre(_ fichier: String) -> FichierIllisible {
        FichierIllisible(fichier: fichier,
                         raison: "c'est un classeur protégé par un mot de passe à l'ouverture : son contenu est chiffré et c360 ne peut pas le lire",
                         conseil: "Enregistrez-en une copie sans mot de passe, rangée dans un dossier protégé (ses données sont personnelles), et importez cette copie : dans Excel, Fichier > Informations > Protéger le classeur > Chiffrer avec mot de passe, effacez le mot de passe, validez puis enregistrez ; dans LibreOffice, Fichier > Enregistrer sous, décochez « Enregistrer avec mot de passe ». Réenregistrer au format .xlsx ne suffit pas : le mot de passe reste.")
    }

    /// An OLE (Compound File) container, magic `D0 CF 11 E0`: a password-protected workbook
    /// (``chiffre(_:)``) or an old `.xls` (``xls(_:extensionTrompeuse:)``).
    static func conteneurOLE(_ fichier: String, fd: Int32, extensionTrompeuse: Bool) -> FichierIllisible {
        FichierIllisible.estClasseurChiffre(fd: fd) ? chiffre(fichier) : xls(fichier, extensionTrompeuse: extensionTrompeuse)
    }

    /// Whether an OLE container holds the `EncryptedPackage` (or `EncryptionInfo`) stream of a
    /// workbook encrypted with a password. Its directory names streams in UTF-16LE; only two
    /// bounded windows are read: the first 64 KiB (where small files keep their directory), and
    /// 64 KiB from the first directory sector the header names (offset 0x30; sector size
    /// 2^(offset 0x1E)), where a large file may keep it. Written by hand: no library reads this
    /// container, and a name search is all the question needs.
    static func estClasseurChiffre(fd: Int32) -> Bool {
        let fenetre = 1 << 16
        func lire(_ offset: Int, _ taille: Int) -> [UInt8] {
            var octets = [UInt8](repeating: 0, count: taille)
            var n = 0
            while n < taille {
                let lus = octets.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + n, taille - n, off_t(offset + n)) }
                if lus < 0 && errno == EINTR { continue }
                if lus <= 0 { break }
                n += lus
            }
            return Array(octets.prefix(n))
        }
        let noms = ["EncryptedPackage", "EncryptionInfo"].map { Array($0.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) }
        func contientUnNom(_ octets: [UInt8]) -> Bool {
            noms.contains { nom in
                guard octets.count >= nom.count else { return false }
                var i = 0
                while i + nom.count <= octets.count {
                    if octets[i] == nom[0] && octets[i..<(i + nom.count)].elementsEqual(nom) { return true }
                    i += 1
                }
                return false
            }
        }
        let debut = lire(0, fenetre)
        if contientUnNom(debut) { return true }
        guard debut.count >= 0x34 else { return false }
        let decalage = Int(debut[0x1E]) | Int(debut[0x1F]) << 8
        guard decalage == 9 || decalage == 12 else { return false }
        let secteur = Int(debut[0x30]) | Int(debut[0x31]) << 8 | Int(debut[0x32]) << 16 | Int(debut[0x33]) << 24
        // 0xFFFFFFFx are markers, not sectors.
        guard secteur < 0xFFFF_FFF0 else { return false }
        return contientUnNom(lire((secteur + 1) << decalage, fenetre))
    }

    public var erreur: ErreurObservatoire {
        ErreurObservatoire(.donneesIllisibles, "Fichier illisible « \(TexteSur.surUneLigne(fichier)) » : \(raison).", conseil: conseil)
    }
}

/// Finding the header row when title lines sit above it (a tracker's « Suivi des appels 2025 »),
/// the same way for CSV files and for sheets: among the first rows, the one whose names match
/// the most known column names (canonical names, their French labels, and the names a mapping
/// profile refers to); the first non-empty row when none matches.
enum DetectionEntete {
    /// How many rows are looked at.
    static let profondeur = 20

    static func nomsConnus(_ autresNoms: [String]) -> Set<String> {
        Set(TableCanonique.allCases.flatMap { $0.colonnes.flatMap(\.clesEntete) } + autresNoms.map { Normalisation.cle($0) })
            .subtracting([""])
    }

    /// The index in `lignes` of the header row (nil when every row is empty). `noms` gives the
    /// names of a row (merged cells filled in for a sheet).
    static func choisir(_ lignes: [EnregistrementBrut], autresNoms: [String], noms: (EnregistrementBrut) -> [String] = { $0.champs }) -> Int? {
        let connus = nomsConnus(autresNoms)
        var meilleure: Int?
        var meilleurScore = 0
        for (i, l) in lignes.enumerated() where l.anomalie != nil || l.champs.contains(where: { !Normalisation.rogner($0).isEmpty }) {
            if meilleure == nil { meilleure = i }
            let score = Set(noms(l).map { Normalisation.cle($0) }).intersection(connus).count
            if score > meilleurScore { meilleure = i; meilleurScore = score }
        }
        return meilleure
    }
}
