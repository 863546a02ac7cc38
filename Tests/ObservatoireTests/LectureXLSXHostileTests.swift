import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// Workbooks whose cells cannot be read as they claim: a shared string that does not exist, a
/// table of shared strings missing from the package, a formula saved without its value, rows
/// numbered backwards, a NUL through a character reference. None of them may turn into an empty
/// value or a row that vanishes: the row is rejected with a French message naming the cell and
/// what to do, or the file is refused as a whole.
final class LectureXLSXHostileTests: XCTestCase {
    /// Columns of `CSV.enteteSollicitations`, by name.
    static let colonnes = AttaquesTests.colonnes
    static func position(_ nom: String) -> Int { colonnes.firstIndex(of: nom)! }

    /// A row numbered `r`: one inline-string cell per value, each with its reference; `cellules`
    /// gives the XML of some cells instead (`@` stands for the cell's reference).
    static func ligne(_ r: Int, _ valeurs: [String], cellules: [Int: String] = [:]) -> String {
        var s = "<row r=\"\(r)\">"
        for (i, v) in valeurs.enumerated() {
            let ref = ReferenceCellule.texte(ligne: r, colonne: i)
            if let c = cellules[i] {
                s += c.replacingOccurrences(of: "@", with: ref)
            } else if !v.isEmpty {
                s += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(v)</t></is></c>"
            }
        }
        return s + "</row>"
    }

    static func entete(_ r: Int = 1, extra: [String] = []) -> String { ligne(r, colonnes + extra) }

    /// The values of a valid request (the identifier set afterwards: it may hold `;`, as a
    /// character reference does).
    static func sollicitation(_ id: String, extra: [String] = []) -> [String] {
        var v = AttaquesTests.valeursSollicitation("X")
        v[0] = id
        return v + extra
    }

    /// Writes a workbook of one sheet (`lignes` inside `sheetData`) in the workspace's input folder.
    @discardableResult
    func classeur(_ t: EspaceDeTest, _ nom: String, _ lignes: [String], partagees: String? = nil,
                  liens: String? = nil, autresParties: [(String, String)] = []) throws -> URL {
        let url = t.dossier.appendingPathComponent("entree").appendingPathComponent(nom)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var parties = AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + lignes.joined() + "</sheetData></worksheet>",
                                                    partagees: partagees)
        if let liens, let i = parties.firstIndex(where: { $0.0 == "xl/_rels/workbook.xml.rels" }) { parties[i].1 = liens }
        try AttaquesTests.classeur(url, parties + autresParties)
        return url
    }

    func importer(_ t: EspaceDeTest, _ url: URL) throws -> BilanFichier {
        let b = try t.importer([url]) { $0.table = .sollicitations }
        XCTAssertEqual(b.fichiers.count, 1)
        let f = b.fichiers[0]
        if f.erreur == nil { XCTAssertEqual(f.lues, f.importees + f.rejetees, "lues = importées + rejetées") }
        return f
    }

    struct RejetLu {
        let ligne: Int
        let colonne: String?
        let valeur: String?
        let regle: String
        let message: String
    }

    func rejets(_ t: EspaceDeTest, fichier: String = "sollicitations.xlsx") throws -> [RejetLu] {
        try t.base().file.read { db in
            try Row.fetchAll(db, sql: "SELECT ligne, colonne, valeur, regle, message FROM rejets WHERE fichier = ? ORDER BY ligne", arguments: [fichier]).map {
                RejetLu(ligne: $0["ligne"], colonne: $0["colonne"], valeur: $0["valeur"], regle: $0["regle"], message: $0["message"])
            }
        }
    }

    func identifiants(_ t: EspaceDeTest) throws -> [String] {
        try t.base().file.read { try String.fetchAll($0, sql: "SELECT id_sollicitation FROM sollicitations ORDER BY 1") }
    }

    // MARK: - B7: control characters

    /// A NUL from a character reference, a shared string or a raw byte: the row is rejected
    /// exactly as the CSV reader rejects a NUL byte (same rule, same message). Tabs and line
    /// breaks are ordinary text, and other control characters are kept as a CSV keeps them.
    func testCaractereNulRejeteCommeEnCSV() throws {
        let t = try EspaceDeTest()
        let personne = Self.position("personne_id")
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(),
            Self.ligne(2, Self.sollicitation("S&#x1B;[31mX&#0;&#x7;")),
            Self.ligne(3, Self.sollicitation("S3"), cellules: [personne: "<c r=\"@\" t=\"s\"><v>0</v></c>"]),
            Self.ligne(4, Self.sollicitation("S4\u{0}")),
            Self.ligne(5, Self.sollicitation("T&#9;1&#10;a&#13;b")),
            Self.ligne(6, Self.sollicitation("E&#x1B;1")),
        ], partagees: "<sst><si><t>P&#0;1</t></si></sst>")
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 5)
        XCTAssertEqual(f.motifs, ["encodage_invalide": 3])
        XCTAssertEqual(try t.base().file.read { try String.fetchAll($0, sql: "SELECT hex(id_sollicitation) FROM sollicitations ORDER BY 1") },
                       ["451B31", "5409310A610D62"], "tab, line breaks and ESC kept as in a CSV")
        let xlsx = try rejets(t)
        XCTAssertEqual(xlsx.map(\.ligne), [2, 3, 4])

        // The CSV reader on the same NUL.
        let csv = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("C\u{0}1"), CSV.sollicitation("E\u{1B}2")]))
        let g = try importer(t, csv)
        XCTAssertEqual(g.motifs, ["encodage_invalide": 1])
        XCTAssertEqual(g.importees, 1, "ESC is kept by the CSV reader too")
        let rejetsCSV = try rejets(t, fichier: "sollicitations.csv")
        XCTAssertEqual(rejetsCSV.map(\.ligne), [2])
        let rejetCSV = try XCTUnwrap(rejetsCSV.first)
        for rejet in xlsx {
            XCTAssertEqual(rejet.regle, rejetCSV.regle)
            XCTAssertEqual(rejet.message, rejetCSV.message, "one rule, one message for both readers")
            XCTAssertTrue(rejet.message.contains("caractère nul"), rejet.message)
        }
    }
}
