import Foundation
import ObservatoireCore

/// Something wrong with a raw record that the reader saw, before any validation.
public enum AnomalieLecture: Equatable, Sendable {
    /// Bytes that are not text in the file's encoding (mixed encodings) or a NUL byte.
    case encodage(String)
    /// A field over the size limit (its column index).
    case champTropLong(colonne: Int, taille: Int)
    /// More fields than the reader accepts in one row.
    case tropDeChamps(Int)
    /// The file ends inside a quoted field.
    case guillemetNonFerme
}

/// One record as read from a file: the fields in header order, decoded to text.
public struct EnregistrementBrut: Sendable {
    /// Line of the file where the record starts (the header is line 1 for a CSV file,
    /// the row number for a sheet).
    public var ligne: Int
    public var champs: [String]
    public var anomalie: AnomalieLecture?

    public init(ligne: Int, champs: [String], anomalie: AnomalieLecture? = nil) {
        self.ligne = ligne
        self.champs = champs
        self.anomalie = anomalie
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
}

/// A file that cannot be read as a table at all: nothing of it is stored (exit code 65).
public struct FichierIllisible: Error, CustomStringConvertible, Sendable {
    public var fichier: String
    public var raison: String
    public var conseil: String

    public init(fichier: String, raison: String, conseil: String) {
        self.fichier = fichier
        self.raison = raison
        self.conseil = conseil
    }

    public var description: String { "« \(fichier) » : \(raison)\n→ \(conseil)" }

    /// What to do with a file the tool cannot read: save it again in a format it reads.
    public static let reenregistrer = "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx ou CSV UTF-8."

    /// An old binary Excel workbook, whatever its extension.
    public static func xls(_ fichier: String, extensionTrompeuse: Bool = false) -> FichierIllisible {
        FichierIllisible(fichier: fichier,
                         raison: "c'est un classeur Excel 97-2003 (.xls)" + (extensionTrompeuse ? " portant une autre extension" : ", format non pris en charge"),
                         conseil: reenregistrer)
    }

    public var erreur: ErreurObservatoire {
        ErreurObservatoire(.donneesIllisibles, "Fichier illisible « \(fichier) » : \(raison).", conseil: conseil)
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
