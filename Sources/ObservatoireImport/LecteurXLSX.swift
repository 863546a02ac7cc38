import Crypto
import Foundation
import ObservatoireCore
import ZIPFoundation

/// Reads a sheet of an `.xlsx` workbook as a table, streaming the sheet's XML as
/// ZIPFoundation inflates it (the sheet is never held whole in memory).
///
/// - Cells: shared strings, inline strings (rich text runs joined), numbers (written without a
///   useless `.0`), booleans (`1`/`0`), formula results, empty cells (omitted cells are placed
///   by their reference).
/// - A cell whose value cannot be known is never read as empty: a reference to a shared string
///   that does not exist, a formula saved without its computed value (openpyxl writes these),
///   or an Excel error value (`#N/A`, `#REF!`…), flags its row (``CelluleIllisible``), and cells that refer to a table of shared
///   strings the package lacks make the whole file unreadable. A row numbered at or before an
///   earlier row is flagged too (never skipped), and a NUL character flags its row as in a CSV
///   file.
/// - Dates: native Excel date serials are plain numbers here; the validator reads them as
///   dates in date columns.
/// - Header: the row, among the first twenty, whose names match a canonical table best (a title
///   row above it is skipped); a header cell merged down from the row above takes its value.
///   Header names are read with their line breaks (Alt+Entrée), tabs and runs of spaces folded
///   to one space (``Normalisation/texte(_:)``).
/// - Merged cells below the header: every cell of the range, in a read column, takes the value
///   of the range's top-left cell, which is what Excel shows on each row (``DeploiementFusions``).
/// - Safety: a DTD is refused, the inflated size of each part is bounded (zip bombs), a damaged
///   or truncated package is refused with a clear message.
public final class LecteurXLSX: SourceTabulaire {
    public private(set) var entete: [String] = []
    public private(set) var lignesVides = 0
    public private(set) var octetsLus = 0
    public let tailleTotale: Int
    public let nomFeuille: String
    /// The workbook counts its date serials from 1904 (`<workbookPr date1904="1"/>`, old Mac
    /// Excel): a serial then means 1 462 days later than in the usual 1900 system.
    public let dates1904: Bool
    public var lignesCompletes: Bool { false }
    /// Every sheet of the workbook, in tab order.
    public let feuilles: [String]

    /// Largest inflated size of one part of the package.
    public static var limiteDecompression: UInt64 = 2 << 30
    /// Largest compression ratio accepted for a part over 10 MB (zip bombs reach thousands).
    public static let ratioMaximal: UInt64 = 200
    let limiteChamp: Int
    let limiteChamps: Int

    private let url: URL
    /// The file, open from the start: the ZIP library reopens this very descriptor (never the
    /// path, which could have become a link or another file in between).
    private let fichier: FichierOuvert
    private var archive: Archive?
    private let entreeFeuille: Entry
    /// The shared strings; nil when the workbook has no such part.
    private let partages: [String]?
    /// The number formats that write a whole number as text (« 000 », « "A-"000 »), by cell
    /// style (``FormatNumero``).
    private let formatsNumeros: [Int: FormatNumero]
    /// Where the header row is among the rows of the sheet (0-based, in the order of the sheet).
    private let indexEntete: Int
    /// The merged ranges below the header (top row after the header row), by top row.
    private let fusionsDonnees: [Fusion]
    private let empreinteFichier: String

    /// The columns (0-based) the caller reads. A cell whose value cannot be known spoils its row
    /// only in a column that is read: an extra column is never stored, and a generated tracker
    /// may fill one with formulas on every row. nil: every column counts.
    public var colonnesLues: ((Int) -> Bool)?

    /// `autresNoms`: header names a mapping profile knows (they count as much as canonical
    /// names when looking for the header row).
    public init(url: URL, feuille: String? = nil, autresNoms: [String] = [], limiteChamp: Int = 100_000, limiteChamps: Int = 1_000) throws {
        self.url = url
        self.limiteChamp = limiteChamp
        self.limiteChamps = limiteChamps
        let nom = url.lastPathComponent
        func illisible(_ raison: String) -> FichierIllisible {
            FichierIllisible(fichier: nom, raison: raison,
                             conseil: FichierIllisible.reenregistrer)
        }
        fichier = try FichierIllisible.ouvrir(url)
        let (empreinte, taille, signature) = try LecteurXLSX.hacher(fichier, nom: nom)
        tailleTotale = taille
        empreinteFichier = empreinte
        if signature.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw FichierIllisible.conteneurOLE(nom, fd: fichier.fd, extensionTrompeuse: true)
        }
        guard signature.starts(with: [0x50, 0x4B]) else { throw illisible("ce n'est pas un classeur .xlsx valide (ce n'est pas une archive ZIP)") }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: fichier.cheminDuDescripteur), accessMode: .read)
        } catch {
            throw illisible("le classeur est endommagé ou tronqué")
        }
        self.archive = archive
        // Workbook: sheets in tab order, and where each one lives.
        let classeur = try LecteurXLSX.lirePartie(archive, "xl/workbook.xml", nom: nom, obligatoire: true, DelegueClasseur())
        let liens = try LecteurXLSX.lirePartie(archive, "xl/_rels/workbook.xml.rels", nom: nom, obligatoire: true, DelegueLiens())
        guard !classeur.feuilles.isEmpty else { throw illisible("le classeur ne contient aucune feuille") }
        feuilles = classeur.feuilles.map(\.nom)
        dates1904 = classeur.dates1904
        let choisie: (nom: String, id: String)
        if let feuille {
            guard let f = classeur.feuilles.first(where: { Normalisation.cle($0.nom) == Normalisation.cle(feuille) }) else {
                throw FichierIllisible(fichier: nom, raison: "la feuille « \(feuille) » est absente du classeur (feuilles : \(classeur.feuilles.map(\.nom).joined(separator: ", ")))",
                                       conseil: "Corrigez le nom de la feuille dans le profil de correspondance.")
            }
            choisie = f
        } else {
            choisie = classeur.feuilles[0]
        }
        nomFeuille = choisie.nom
        guard var cible = liens.cibles[choisie.id] else { throw illisible("la feuille « \(choisie.nom) » est introuvable dans le classeur") }
        cible = cible.hasPrefix("/") ? String(cible.dropFirst()) : "xl/" + cible
        guard let entree = archive[cible] else { throw illisible("la feuille « \(choisie.nom) » est absente de l'archive") }
        entreeFeuille = entree
        // The shared strings: the part the workbook's relationships name, else the usual
        // `xl/sharedStrings.xml`. A workbook that has none is fine as long as no cell refers to it.
        let cheminsPartages = (liens.partages.map { [$0] } ?? []).map { $0.hasPrefix("/") ? String($0.dropFirst()) : "xl/" + $0 }
            + ["xl/sharedStrings.xml"]
        if let chemin = cheminsPartages.first(where: { archive[$0] != nil }) {
            partages = try LecteurXLSX.lirePartie(archive, chemin, nom: nom, obligatoire: true, DelegueChainesPartagees()).chaines
        } else {
            partages = nil
        }
        formatsNumeros = archive["xl/styles.xml"] == nil ? [:]
            : try LecteurXLSX.lirePartie(archive, "xl/styles.xml", nom: nom, obligatoire: false, DelegueStyles()).formatsNumeros

        // First pass: merged cells and the first rows, to find the header.
        let apercu = DelegueFeuille(partages: partages, limiteChamp: limiteChamp, limiteChamps: limiteChamps)
        apercu.formatsNumeros = formatsNumeros
        apercu.apercuMax = DetectionEntete.profondeur
        try LecteurXLSX.parcourirPartie(archive, entree, nom: nom, apercu)
        guard let (index, noms) = LecteurXLSX.choisirEntete(apercu, autresNoms: autresNoms) else {
            throw FichierIllisible(fichier: nom, raison: "la feuille « \(choisie.nom) » est vide",
                                   conseil: "Vérifiez que l'export contient bien le tableau, sur la première feuille ou celle indiquée par le profil.")
        }
        // A header cell that cannot be read would lose its whole column without a word. (Too
        // many cells is not that: formatted empty cells far to the right are common; nor is an
        // Excel error such as a `#DIV/0!` computed beside the names: it names no column.)
        let ligneEntete = apercu.apercu[index]
        if let anomalie = ligneEntete.anomalie {
            if case .tropDeChamps = anomalie {} else if case .cellulesIllisibles(let c) = anomalie, c.allSatisfy(\.estErreurExcel) {} else {
                throw FichierIllisible(fichier: nom, raison: "la ligne d'en-tête (ligne \(ligneEntete.ligne) de la feuille « \(choisie.nom) ») est illisible : \(anomalie.texte)",
                                       conseil: FichierIllisible.reenregistrer)
            }
        }
        indexEntete = index
        entete = noms
        fusionsDonnees = apercu.fusions.filter { $0.ligne1 > ligneEntete.ligne }
            .sorted { ($0.ligne1, $0.colonne1) < ($1.ligne1, $1.colonne1) }
    }

    public var description: String { "classeur Excel, feuille « \(nomFeuille) »" }

    /// The names of the sheets of a workbook, in tab order, without reading any sheet.
    public static func nomsDesFeuilles(_ url: URL) throws -> [String] {
        let nom = url.lastPathComponent
        let fichier = try FichierIllisible.ouvrir(url)
        defer { fichier.fermer() }
        var signature = [UInt8](repeating: 0, count: 8)
        let n = signature.withUnsafeMutableBytes { pread(fichier.fd, $0.baseAddress, 8, 0) }
        signature = Array(signature.prefix(max(0, n)))
        if signature.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { throw FichierIllisible.conteneurOLE(nom, fd: fichier.fd, extensionTrompeuse: true) }
        guard signature.starts(with: [0x50, 0x4B]), let archive = try? Archive(url: URL(fileURLWithPath: fichier.cheminDuDescripteur), accessMode: .read) else {
            throw FichierIllisible(fichier: nom, raison: "ce n'est pas un classeur .xlsx valide", conseil: FichierIllisible.reenregistrer)
        }
        return try lirePartie(archive, "xl/workbook.xml", nom: nom, obligatoire: true, DelegueClasseur()).feuilles.map(\.nom)
    }

    public var aChange: Bool { fichier.aChange() }
    public var identite: IdentiteFichier { fichier.identite }

    public func liberer() {
        archive = nil
        fichier.fermer()
    }

    public func empreinte() throws -> String { empreinteFichier }

    /// Streams the rows after the header.
    public func parcourir(_ traiter: (EnregistrementBrut) throws -> Void) throws {
        try withoutActuallyEscaping(traiter) { traiter in
            let d = DelegueFeuille(partages: partages, limiteChamp: limiteChamp, limiteChamps: limiteChamps)
            d.formatsNumeros = formatsNumeros
            d.indexEntete = indexEntete
            d.colonnesLues = colonnesLues
            if !fusionsDonnees.isEmpty {
                d.deploiement = DeploiementFusions(fusionsDonnees, largeur: min(entete.count, limiteChamps), lue: colonnesLues ?? { _ in true })
            }
            d.traiter = { [unowned self] r in
                if r.anomalie == nil && r.champs.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    self.lignesVides += 1
                    return
                }
                do { try traiter(r) } catch { throw ErreurDuTraitement(erreur: error) }
            }
            let ratio = LecteurXLSX.ratio(entreeFeuille)
            d.progression = { [unowned self] n in self.octetsLus = Int(min(UInt64(self.tailleTotale), n / ratio)) }
            defer { d.traiter = nil; d.progression = nil }
            guard let archive else { throw FichierIllisible(fichier: url.lastPathComponent, raison: "le fichier a déjà été refermé", conseil: "Relancez la commande.") }
            try LecteurXLSX.parcourirPartie(archive, entreeFeuille, nom: url.lastPathComponent, d)
        }
        octetsLus = tailleTotale
    }

    static func ratio(_ e: Entry) -> UInt64 {
        e.compressedSize == 0 ? 1 : max(1, e.uncompressedSize / e.compressedSize)
    }

    // MARK: - Header

    /// The header row: among the first rows, the one whose names best match a canonical table
    /// (most canonical column names); the first non-empty row when none matches. Its index in
    /// `d.apercu` (rows in the order of the sheet) and its names.
    static func choisirEntete(_ d: DelegueFeuille, autresNoms: [String] = []) -> (Int, [String])? {
        guard let i = DetectionEntete.choisir(d.apercu, autresNoms: autresNoms, noms: { completerFusions($0, d) }) else { return nil }
        let noms = completerFusions(d.apercu[i], d)
        // The row found may be the top of a two-row header, or its sub-headers (they hold the
        // names of the columns merged down, and the sub-columns' names).
        if let deux = enTeteSurDeuxLignes(d, i, noms, reference: noms, autresNoms: autresNoms) { return (i + 1, deux.map { Normalisation.texte($0) }) }
        if i > 0, let deux = enTeteSurDeuxLignes(d, i - 1, completerFusions(d.apercu[i - 1], d), reference: noms, autresNoms: autresNoms) {
            return (i, deux.map { Normalisation.texte($0) })
        }
        return (i, noms.map { Normalisation.texte($0) })
    }

    /// A header on two rows, as trackers often have: a group merged across columns
    /// (« Orientation 1 » over three cells), its sub-columns named on the row below (« Date »,
    /// « Milieu », « Décision »), the other columns merged down both rows. Each sub-column is
    /// named « group sub » (« Orientation 1 Date », which a profile's `rangs` reach as
    /// « Orientation {n} Date »); a column merged down keeps its one name. Only when every
    /// sub-column has a name that is neither a date nor a number (the row below is no data
    /// row) and the names match no fewer known names than `reference` (the row found alone).
    static func enTeteSurDeuxLignes(_ d: DelegueFeuille, _ i: Int, _ haut: [String], reference: [String], autresNoms: [String]) -> [String]? {
        let ligne = d.apercu[i].ligne
        let groupes = d.fusions.filter { $0.ligne1 == ligne && $0.ligne2 == ligne && $0.colonne2 > $0.colonne1 }
        guard !groupes.isEmpty, i + 1 < d.apercu.count, d.apercu[i + 1].ligne == ligne + 1 else { return nil }
        // A title merged across the sheet above the header is no group: a group row also names
        // columns of its own (merged down).
        func dansUnGroupe(_ c: Int) -> Bool { groupes.contains { $0.colonne1 <= c && c <= $0.colonne2 } }
        guard haut.indices.contains(where: { !dansUnGroupe($0) && !Normalisation.rogner(haut[$0]).isEmpty }) else { return nil }
        let bas = completerFusions(d.apercu[i + 1], d)
        for g in groupes {
            for c in g.colonne1...g.colonne2 {
                guard c < bas.count else { return nil }
                let nom = Normalisation.rogner(bas[c])
                guard !nom.isEmpty, Double(nom.replacingOccurrences(of: ",", with: ".")) == nil else { return nil }
                if case .valeur = Valeurs.date(nom, pivot: 2099) { return nil }
            }
        }
        var noms = haut
        while noms.count < bas.count { noms.append("") }
        for c in noms.indices {
            let dessous = c < bas.count ? Normalisation.rogner(bas[c]) : ""
            if let g = groupes.first(where: { $0.colonne1 <= c && c <= $0.colonne2 }) {
                let groupe = g.colonne1 < haut.count ? Normalisation.rogner(haut[g.colonne1]) : ""
                noms[c] = groupe.isEmpty ? dessous : groupe + " " + dessous
            } else if Normalisation.rogner(noms[c]).isEmpty {
                noms[c] = dessous
            }
        }
        let connus = DetectionEntete.nomsConnus(autresNoms)
        func score(_ n: [String]) -> Int { Set(n.map { Normalisation.cle($0) }).intersection(connus).count }
        return score(noms) >= score(reference) ? noms : nil
    }

    /// A header cell covered by a cell merged down from a row above takes its value.
    static func completerFusions(_ l: EnregistrementBrut, _ d: DelegueFeuille) -> [String] {
        var noms = l.champs
        for f in d.fusions where f.ligne1 < l.ligne && f.ligne2 >= l.ligne {
            guard let source = d.apercu.first(where: { $0.ligne == f.ligne1 }), f.colonne1 < source.champs.count else { continue }
            while noms.count <= f.colonne1 { noms.append("") }
            if noms[f.colonne1].isEmpty { noms[f.colonne1] = source.champs[f.colonne1] }
        }
        return noms
    }

    // MARK: - Package parts

    private static func hacher(_ fichier: FichierOuvert, nom: String) throws -> (String, Int, [UInt8]) {
        var hachage = SHA256()
        var taille = 0
        var debut: [UInt8] = []
        var bloc = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = bloc.withUnsafeMutableBytes { pread(fichier.fd, $0.baseAddress, $0.count, off_t(taille)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FichierIllisible(ErreurFichier(nom, .systeme(errno)), fichier: nom)
            }
            if n == 0 { break }
            if debut.isEmpty { debut = Array(bloc.prefix(min(8, n))) }
            bloc.withUnsafeBytes { hachage.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            taille += n
        }
        if taille == 0 {
            throw FichierIllisible(fichier: nom, raison: "le fichier est vide", conseil: "Exportez à nouveau le tableau depuis votre outil de suivi.")
        }
        return (hachage.finalize().map { String(format: "%02x", $0) }.joined(), taille, debut)
    }

    static func lirePartie<D: DelegueXML>(_ archive: Archive, _ chemin: String, nom: String, obligatoire: Bool, _ d: D) throws -> D {
        guard let e = archive[chemin] else {
            if obligatoire {
                throw FichierIllisible(fichier: nom, raison: "ce n'est pas un classeur .xlsx valide (partie « \(chemin) » absente)",
                                       conseil: FichierIllisible.reenregistrer)
            }
            return d
        }
        try parcourirPartie(archive, e, nom: nom, d)
        return d
    }

    /// Inflates one part and feeds its XML to the delegate, bounding the inflated size.
    static func parcourirPartie<D: DelegueXML>(_ archive: Archive, _ e: Entry, nom: String, _ d: D) throws {
        let suspect = FichierIllisible(fichier: nom, raison: "le classeur se décompresse en une taille démesurée (archive piégée ?)",
                                       conseil: "N'ouvrez pas ce fichier ; demandez un nouvel export à l'outil de suivi.")
        if e.uncompressedSize > limiteDecompression || (e.uncompressedSize > 10 << 20 && e.uncompressedSize / max(1, e.compressedSize) > ratioMaximal) {
            throw suspect
        }
        let analyseur = AnalyseurXML(delegue: d)
        var total: UInt64 = 0
        do {
            _ = try archive.extract(e, bufferSize: 64 << 10, skipCRC32: false) { donnees in
                total += UInt64(donnees.count)
                if total > limiteDecompression || (total > 10 << 20 && total / max(1, e.compressedSize) > ratioMaximal) {
                    throw suspect
                }
                try analyseur.alimenter(donnees)
                (d as? DelegueFeuille)?.progression?(total)
            }
            try analyseur.terminer()
        } catch let f as FichierIllisible {
            throw f
        } catch is TableDesTextesAbsente {
            throw FichierIllisible(fichier: nom, raison: "le classeur est endommagé : des cellules renvoient à sa table des textes (sharedStrings.xml), absente de l'archive, et leur contenu est perdu",
                                   conseil: "Ouvrez le classeur d'origine dans Excel ou LibreOffice et enregistrez-le à nouveau au format .xlsx, ou demandez un nouvel export à l'outil de suivi, puis réimportez-le.")
        } catch let x as AnalyseurXML.Erreur {
            throw FichierIllisible(fichier: nom, raison: "le contenu du classeur est illisible (\(x.description))",
                                   conseil: FichierIllisible.reenregistrer)
        } catch let e as ErreurDuTraitement {
            // An error of the caller's (the database, a test's injected failure): not the file's fault.
            throw e.erreur
        } catch {
            // ZIPFoundation's archive, CRC and inflate errors: a damaged package.
            throw FichierIllisible(fichier: nom, raison: "le classeur est endommagé ou tronqué (archive ZIP illisible)",
                                   conseil: FichierIllisible.reenregistrer)
        }
    }
}

/// Carries an error thrown by the caller's row handler through the ZIP library's consumer.
struct ErreurDuTraitement: Error {
    let erreur: Error
}

/// A cell refers to the table of shared strings, and the package has none: a damaged workbook.
struct TableDesTextesAbsente: Error {}

// MARK: - Delegates

final class DelegueClasseur: DelegueXML {
    var feuilles: [(nom: String, id: String)] = []
    var dates1904 = false
    var veutTexte: Bool { false }
    func debut(_ nom: Substring, _ attributs: [(Substring, String)], vide: Bool) throws {
        if nom == "workbookPr", let v = attributs.first(where: { $0.0 == "date1904" })?.1 {
            dates1904 = v == "1" || v.lowercased() == "true"
        }
        guard nom == "sheet", feuilles.count < 10_000 else { return }
        let n = attributs.first { $0.0 == "name" }?.1 ?? ""
        let id = attributs.first { $0.0 == "id" }?.1 ?? ""
        feuilles.append((n, id))
    }
    func fin(_ nom: Substring) throws {}
    func texte(_ t: String) throws {}
}

final class DelegueLiens: DelegueXML {
    var cibles: [String: String] = [:]
    /// The target of the shared strings part, when the workbook names one.
    var partages: String?
    var veutTexte: Bool { false }
    func debut(_ nom: Substring, _ attributs: [(Substring, String)], vide: Bool) throws {
        guard nom == "Relationship", let id = attributs.first(where: { $0.0 == "Id" })?.1,
              let cible = attributs.first(where: { $0.0 == "Target" })?.1 else { return }
        cibles[id] = cible
        if attributs.first(where: { $0.0 == "Type" })?.1.hasSuffix("/sharedStrings") == true { partages = cible }
    }
    func fin(_ nom: Substring) throws {}
    func texte(_ t: String) throws {}
}

/// `sharedStrings.xml`: one string per `si`, rich text runs joined, phonetic runs skipped.
final class DelegueChainesPartagees: DelegueXML {
    /// Longest string kept (Excel's own limit is 32 767 characters): a longer one is cut, and a
    /// cell that uses it is flagged as too long.
    static let longueurMaximale = 100_000
    var chaines: [String] = []
    private var courante = ""
    private var dansT = false
    private var dansPhonetique = false
    private var totalCaracteres = 0
    var veutTexte: Bool { dansT && !dansPhonetique }
    func debut(_ nom: Substring, _ attributs: [(Substring, String)], vide: Bool) throws {
        switch nom {
        case "si": courante = ""
        case "t": dansT = true
        case "rPh": dansPhonetique = true
        default: break
        }
    }
    func fin(_ nom: Substring) throws {
        switch nom {
        case "si":
            chaines.append(courante)
            totalCaracteres += courante.utf8.count
            if totalCaracteres > 256 << 20 || chaines.count > 10_000_000 { throw AnalyseurXML.Erreur(description: "table des chaînes démesurée") }
        case "t": dansT = false
        case "rPh": dansPhonetique = false
        default: break
        }
    }
    func texte(_ t: String) throws {
        guard courante.utf8.count <= DelegueChainesPartagees.longueurMaximale else { return }
        courante += t
    }
}

/// A number format that writes a whole number as text, as Excel shows it: zeros to pad it and
/// literal text around (« 000 » shows 7 as « 007 », « "A-"000 » as « A-007 »). A tracker's
/// numbers typed as 7 under such a format read « A-007 » from its CSV export: read « 7 » from
/// the workbook, the same calls would change their numbers from one format to the other.
/// Other formats (decimals, thousands, dates, sections) are left alone.
struct FormatNumero: Equatable {
    var prefixe = ""
    var zeros = 0
    var suffixe = ""

    /// `formatCode` when it is literal text, one run of zeros, literal text; nil otherwise.
    init?(_ code: String) {
        let c = Array(code)
        var i = 0
        // Before the zeros, in them, after them.
        var etat = 0
        while i < c.count {
            if c[i] == "0" {
                guard etat < 2 else { return nil }
                etat = 1
                zeros += 1
                i += 1
                continue
            }
            if etat == 1 { etat = 2 }
            var litteral = ""
            switch c[i] {
            case "\"":
                i += 1
                while i < c.count && c[i] != "\"" { litteral.append(c[i]); i += 1 }
                guard i < c.count else { return nil }
            case "\\":
                i += 1
                guard i < c.count else { return nil }
                litteral.append(c[i])
            case "-", " ", "/", "(", ")", ":", "+":
                litteral.append(c[i])
            default:
                return nil
            }
            if etat == 0 { prefixe += litteral } else { suffixe += litteral }
            i += 1
        }
        guard zeros >= 1, zeros <= 15, zeros >= 2 || !prefixe.isEmpty || !suffixe.isEmpty,
              prefixe.count <= 20, suffixe.count <= 20 else { return nil }
    }

    /// `nombre` (a whole number as the reader writes it) as the format shows it; nil for
    /// anything else (a negative or decimal number is left as it is).
    func ecrire(_ nombre: String) -> String? {
        guard !nombre.isEmpty, nombre.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let chiffres = nombre.count < zeros ? String(repeating: "0", count: zeros - nombre.count) + nombre : nombre
        return prefixe + chiffres + suffixe
    }
}

/// `styles.xml`: the custom number formats (`numFmt`) and the formats of the cell styles
/// (`cellXfs`), kept only for the styles whose format is a ``FormatNumero``.
final class DelegueStyles: DelegueXML {
    private var codes: [Int: String] = [:]
    private var dansXfs = false
    private var index = 0
    var formatsNumeros: [Int: FormatNumero] = [:]
    var veutTexte: Bool { false }
    func debut(_ nom: Substring, _ attributs: [(Substring, String)], vide: Bool) throws {
        switch nom {
        case "numFmt":
            guard codes.count < 10_000, let id = attributs.first(where: { $0.0 == "numFmtId" }).flatMap({ Int($0.1) }),
                  let code = attributs.first(where: { $0.0 == "formatCode" })?.1, code.utf8.count <= 255 else { return }
            codes[id] = code
        case "cellXfs": dansXfs = true
        case "xf" where dansXfs:
            defer { index += 1 }
            guard index < 65_536, let id = attributs.first(where: { $0.0 == "numFmtId" }).flatMap({ Int($0.1) }),
                  let code = codes[id], let f = FormatNumero(code) else { return }
            formatsNumeros[index] = f
        default: break
        }
    }
    func fin(_ nom: Substring) throws { if nom == "cellXfs" { dansXfs = false } }
    func texte(_ t: String) throws {}
}

/// A merged range, 1-based rows and 0-based columns.
struct Fusion {
    let ligne1: Int, colonne1: Int, ligne2: Int, colonne2: Int
}

/// A worksheet: rows of cells, and the merged ranges.
final class DelegueFeuille: DelegueXML {
    /// Excel's limits: rows and columns of a sheet.
    static let lignesMaximum = 1_048_576
    static let colonnesMaximum = 16_384
    /// Merged ranges kept (those over the header, and those below it whose value is carried to
    /// every row of the range): a crafted sheet may declare millions; the rest are ignored.
    static let fusionsMaximum = 10_000
    /// nil: the workbook has no table of shared strings.
    let partages: [String]?
    let limiteChamp: Int
    let limiteChamps: Int
    /// Preview mode: keep at most this many rows, then only look for merged cells.
    var apercuMax: Int?
    var apercu: [EnregistrementBrut] = []
    var fusions: [Fusion] = []
    /// Streaming mode: the rows after this one (0-based, in the order of the sheet: the header)
    /// go to `traiter`.
    var indexEntete = -1
    /// Columns where a cell that cannot be read flags its row (nil: all).
    var colonnesLues: ((Int) -> Bool)?
    var traiter: ((EnregistrementBrut) throws -> Void)?
    var progression: ((UInt64) -> Void)?
    /// Streaming mode: the merged ranges below the header, carried to their rows.
    var deploiement: DeploiementFusions?

    private var ligne = 0
    /// Rows met so far, minus one: the current row's place in the sheet.
    private var index = -1
    /// The largest row number met before the current row.
    private var plusGrandeLigne = 0
    /// The current row's number is not after an earlier row's: the largest before it.
    private var desordonneeApres: Int?
    /// Cells of the current row whose value cannot be known.
    private var illisibles: [CelluleIllisible] = []
    /// The current cell has a formula (`<f>`), a value element (`<v>`).
    private var formule = false
    private var avecValeur = false
    private var cellules: [(Int, String)] = []
    /// Columns of the current row whose value a formula gave (see `EnregistrementBrut.calculees`).
    private var calculees: [Int] = []
    /// See ``LecteurXLSX/formatsNumeros``; the current cell's style.
    var formatsNumeros: [Int: FormatNumero] = [:]
    private var style = 0
    private var colonne = 0
    private var type = ""
    private var valeur = ""
    private var dansValeur = false
    private var dansT = false
    private var dansInline = false
    private var dansPhonetique = false
    private var anomalie: AnomalieLecture?
    private var sauterLigne = false

    init(partages: [String]?, limiteChamp: Int, limiteChamps: Int) {
        self.partages = partages
        self.limiteChamp = limiteChamp
        self.limiteChamps = limiteChamps
    }

    var veutTexte: Bool { !sauterLigne && (dansValeur || (dansInline && dansT && !dansPhonetique)) }

    func debut(_ nom: Substring, _ attributs: [(Substring, String)], vide: Bool) throws {
        switch nom {
        case "row":
            // Excel's rows go from 1 to 1 048 576: any other number is a crafted file (and must
            // not overflow the next row's number).
            let r = attributs.first { $0.0 == "r" }.map { Int($0.1.trimmingCharacters(in: .whitespaces)) }
            if let r {
                guard let n = r, (1...DelegueFeuille.lignesMaximum).contains(n) else {
                    throw AnalyseurXML.Erreur(description: "un numéro de ligne est hors des limites d'Excel")
                }
                ligne = n
            } else {
                guard ligne < DelegueFeuille.lignesMaximum else {
                    throw AnalyseurXML.Erreur(description: "la feuille dépasse le nombre de lignes d'Excel")
                }
                ligne += 1
            }
            index += 1
            // Excel writes rows in increasing order. A row numbered at or before an earlier one
            // (crafted or damaged file) is neither skipped nor merged: it is flagged.
            desordonneeApres = ligne <= plusGrandeLigne ? plusGrandeLigne : nil
            plusGrandeLigne = max(plusGrandeLigne, ligne)
            cellules.removeAll(keepingCapacity: true)
            calculees.removeAll(keepingCapacity: true)
            illisibles.removeAll(keepingCapacity: true)
            colonne = 0
            anomalie = nil
            if let max = apercuMax { sauterLigne = apercu.count >= max } else { sauterLigne = index <= indexEntete }
        case "c":
            if let ref = attributs.first(where: { $0.0 == "r" })?.1, let c = DelegueFeuille.colonne(ref) { colonne = c }
            guard colonne < DelegueFeuille.colonnesMaximum else {
                throw AnalyseurXML.Erreur(description: "une cellule est au-delà de la dernière colonne d'Excel")
            }
            type = attributs.first { $0.0 == "t" }?.1 ?? "n"
            style = formatsNumeros.isEmpty ? 0 : attributs.first { $0.0 == "s" }.flatMap { Int($0.1) } ?? 0
            valeur = ""
            formule = false
            avecValeur = false
        case "v":
            dansValeur = true
            avecValeur = true
        case "f": formule = true
        case "is": dansInline = true
        case "t": dansT = true
        case "rPh": dansPhonetique = true
        case "mergeCell":
            if fusions.count < DelegueFeuille.fusionsMaximum, let ref = attributs.first(where: { $0.0 == "ref" })?.1,
               let f = DelegueFeuille.plage(ref) { fusions.append(f) }
        default: break
        }
    }

    func texte(_ t: String) throws {
        if valeur.utf8.count + t.utf8.count > limiteChamp {
            if anomalie == nil { anomalie = .champTropLong(colonne: colonne, taille: limiteChamp) }
            return
        }
        valeur += t
    }

    func fin(_ nom: Substring) throws {
        switch nom {
        case "v": dansValeur = false
        case "t": dansT = false
        case "is": dansInline = false
        case "rPh": dansPhonetique = false
        case "c":
            if !sauterLigne {
                if colonne < limiteChamps {
                    let t = try texteCellule()
                    // The CSV reader's rule: a NUL is not text (here from `&#0;` or a raw 0).
                    if anomalie == nil && t.utf8.contains(0) { anomalie = .caractereNul }
                    cellules.append((colonne, t))
                    // An error value is what a formula gave, even when the file keeps no `<f>`
                    // (a sheet pasted as values keeps the errors of its formulas).
                    if formule || type == "e" { calculees.append(colonne) }
                } else if anomalie == nil {
                    anomalie = .tropDeChamps(limiteChamps + 1)
                }
            }
            colonne += 1
        case "row":
            if !sauterLigne { try emettre() }
        default: break
        }
    }

    /// The current cell's text. A cell whose value cannot be known reads as empty and is noted
    /// in `illisibles` (its row is flagged).
    private func texteCellule() throws -> String {
        // A formula's result is the value Excel saved with it. Without one (no `<v>`, or an empty
        // one that is not a text result: openpyxl's `<f>…</f><v/>`), the value is unknown. An
        // empty text result (`t="str"`, `<v></v>`) is a formula that gives "".
        if formule && type != "inlineStr" && !(avecValeur && (type == "str" || !valeur.trimmingCharacters(in: .whitespaces).isEmpty)) {
            noterIllisible(.formuleSansValeur)
            return ""
        }
        switch type {
        case "s":
            // No `<v>` at all: an empty cell. A reference that is not an index of the table is
            // a damaged cell, and a table that is missing, a damaged workbook.
            guard avecValeur else { return "" }
            guard let partages else { throw TableDesTextesAbsente() }
            guard let i = Int(valeur.trimmingCharacters(in: .whitespaces)), i >= 0, i < partages.count else {
                noterIllisible(.texteIntrouvable)
                return ""
            }
            let p = partages[i]
            if p.utf8.count > limiteChamp {
                if anomalie == nil { anomalie = .champTropLong(colonne: colonne, taille: limiteChamp) }
                return String(p.prefix(1_000))
            }
            return p
        case "b":
            return valeur == "1" ? "1" : "0"
        case "e":
            // An error value (`#N/A`, `#REF!`…) is what a formula gave instead of a value: it is
            // no more the cell's value than a missing one (it would become a territory « #N/A »).
            let code = valeur.trimmingCharacters(in: .whitespaces).uppercased()
            noterIllisible(.erreurExcel(code: CelluleIllisible.codesErreurExcel[code]))
            return ""
        case "n":
            let n = DelegueFeuille.nombre(valeur)
            if let f = formatsNumeros[style], let ecrit = f.ecrire(n) { return ecrit }
            return n
        default:
            return valeur
        }
    }

    /// Notes a cell of the current row whose value cannot be known (by default the current cell).
    private func noterIllisible(_ nature: CelluleIllisible.Nature, colonne c: Int? = nil) {
        let c = c ?? colonne
        guard colonnesLues?(c) ?? true else { return }
        illisibles.append(CelluleIllisible(colonne: c, ligne: ligne, nature: nature))
    }

    /// A number as a person would write it: `12` rather than `12.0`, `0.5`, no exponent for
    /// whole numbers.
    static func nombre(_ v: String) -> String {
        let t = v.trimmingCharacters(in: .whitespaces)
        guard let x = Double(t), x.isFinite else { return t }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return t
    }

    private func emettre() throws {
        var champs: [String] = []
        if let derniere = cellules.map(\.0).max() {
            champs = [String](repeating: "", count: derniere + 1)
            for (c, v) in cellules { champs[c] = v }
            // Excel writes a row's cells left to right; only a file that does not can give a
            // cell twice (the later value would silently replace the earlier one).
            if !zip(cellules, cellules.dropFirst()).allSatisfy({ $0.0 < $1.0 }) {
                var vues = Set<Int>()
                for (c, _) in cellules where !vues.insert(c).inserted { noterIllisible(.repetee, colonne: c) }
            }
        }
        // Merged ranges: only on rows in order (an out-of-order row is rejected anyway, and the
        // ranges are followed top to bottom).
        if apercuMax == nil && desordonneeApres == nil {
            deploiement?.appliquer(ligne: ligne, champs: &champs, illisibles: &illisibles)
        }
        // An out-of-order row that holds something is flagged (an empty one loses nothing).
        if anomalie == nil, let p = desordonneeApres,
           !illisibles.isEmpty || champs.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            anomalie = .ligneDesordonnee(precedente: p)
        }
        if anomalie == nil && !illisibles.isEmpty { anomalie = .cellulesIllisibles(illisibles) }
        if calculees.count > 1 && !zip(calculees, calculees.dropFirst()).allSatisfy({ $0 < $1 }) {
            calculees = Array(Set(calculees)).sorted()
        }
        let r = EnregistrementBrut(ligne: ligne, champs: champs, anomalie: anomalie, calculees: calculees)
        if apercuMax != nil {
            apercu.append(r)
            return
        }
        try traiter?(r)
    }

    /// Column index (0-based) of a cell reference such as `AB12`.
    static func colonne(_ ref: String) -> Int? {
        var n = 0
        var lettres = 0
        for u in ref.utf8 {
            if u >= 65 && u <= 90 { n = n * 26 + Int(u - 64); lettres += 1 }
            else if u >= 97 && u <= 122 { n = n * 26 + Int(u - 96); lettres += 1 }
            else { break }
            if lettres > 3 { return nil }
        }
        return lettres == 0 ? nil : n - 1
    }

    static func ligne(_ ref: String) -> Int? {
        guard let n = Int(String(ref.drop(while: { $0.isLetter }))), (1...lignesMaximum).contains(n) else { return nil }
        return n
    }

    /// A range such as `A1:C2`.
    static func plage(_ ref: String) -> Fusion? {
        let parties = ref.split(separator: ":").map(String.init)
        guard parties.count == 2, let c1 = colonne(parties[0]), let l1 = ligne(parties[0]),
              let c2 = colonne(parties[1]), let l2 = ligne(parties[1]) else { return nil }
        // Excel writes the top-left corner first; a crafted `K13:K12` is the same range.
        return Fusion(ligne1: min(l1, l2), colonne1: min(c1, c2), ligne2: max(l1, l2), colonne2: max(c1, c2))
    }
}

/// Merged ranges in the data area. Excel shows the value of a range's top-left cell over the
/// whole range (a territory merged over the calls of one day), and writes it in that cell only:
/// the others are empty in the file. Each cell of the range, in a column that is read, takes
/// that value, so that every row reads what the coordinator sees (rather than a lower row being
/// rejected for an empty required value).
///
/// - A row whose own cells (in read columns) are all empty stays empty: a range merged down
///   over blank rows does not turn them into rows to import.
/// - A top-left cell whose value is unknown (``CelluleIllisible``) makes the covered cells
///   unknown too: each row of the range is rejected, naming that cell.
/// - Bounded work: ranges are followed top to bottom as rows stream (nothing is allocated per
///   cell of a range, only per read column it covers, within the header's width); at most
///   ``DelegueFeuille/fusionsMaximum`` ranges are kept; a range that overlaps an active one in a
///   read column (which Excel refuses to write) is ignored.
struct DeploiementFusions {
    private struct Active {
        let plage: Fusion
        /// The read columns the range covers.
        let colonnes: [Int]
        let valeur: String
        let illisible: CelluleIllisible?
    }

    /// Ranges whose top row is below the header, by top row.
    private let plages: [Fusion]
    private var prochaine = 0
    private var actives: [Active] = []
    /// Per column within the header's width: read, and covered by an active range.
    private let lues: [Bool]
    private var occupees: [Bool]

    init(_ plages: [Fusion], largeur: Int, lue: (Int) -> Bool) {
        self.plages = plages
        lues = (0..<max(0, largeur)).map(lue)
        occupees = [Bool](repeating: false, count: max(0, largeur))
    }

    /// Fills the cells of row `ligne` (rows come in increasing order) that lie under a range.
    mutating func appliquer(ligne: Int, champs: inout [String], illisibles: inout [CelluleIllisible]) {
        // Ranges that ended above this row free their columns.
        if actives.contains(where: { $0.plage.ligne2 < ligne }) {
            for a in actives where a.plage.ligne2 < ligne { for c in a.colonnes { occupees[c] = false } }
            actives.removeAll { $0.plage.ligne2 < ligne }
        }
        // Ranges that start at or above this row (above: their top row was absent, so empty).
        while prochaine < plages.count && plages[prochaine].ligne1 <= ligne {
            let p = plages[prochaine]
            prochaine += 1
            guard p.ligne2 >= ligne, p.colonne1 < lues.count else { continue }
            let colonnes = (p.colonne1...min(p.colonne2, lues.count - 1)).filter { lues[$0] }
            guard !colonnes.isEmpty, !colonnes.contains(where: { occupees[$0] }) else { continue }
            for c in colonnes { occupees[c] = true }
            let enTete = p.ligne1 == ligne
            actives.append(Active(plage: p, colonnes: colonnes,
                                  valeur: enTete && p.colonne1 < champs.count ? champs[p.colonne1] : "",
                                  illisible: enTete ? illisibles.first { $0.colonne == p.colonne1 } : nil))
        }
        guard !actives.isEmpty else { return }
        // A row with nothing of its own in a read column stays empty.
        let propre = !illisibles.isEmpty || champs.indices.contains { $0 < lues.count && lues[$0] && !Normalisation.rogner(champs[$0]).isEmpty }
        guard propre else { return }
        var couvertes = Set<Int>()
        var heritees: [CelluleIllisible] = []
        for a in actives {
            let haut = a.plage.ligne1 == ligne
            for c in a.colonnes where !(haut && c == a.plage.colonne1) {
                while champs.count <= c { champs.append("") }
                champs[c] = a.valeur
                couvertes.insert(c)
            }
            if !haut, let i = a.illisible { heritees.append(i) }
        }
        // What a covered cell itself holds is hidden by the range (Excel shows the top-left
        // value): only the top-left cell's state counts.
        if !illisibles.isEmpty { illisibles.removeAll { $0.ligne == ligne && couvertes.contains($0.colonne) } }
        illisibles += heritees
        illisibles.sort { $0.colonne < $1.colonne }
    }
}
