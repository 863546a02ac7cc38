import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// Review 4: real coordinators' trackers (check marks, ISO-8859-15 CSV, several problem types
/// in one cell, territory spellings, password-protected workbooks). Fixtures are the example
/// tracker of `data/exemples/suivi-appels` with a few cells changed (``jumeau(_:_:encodage:)``),
/// read with the shipped profile.
final class Suivi4Tests: XCTestCase {
    /// A workspace with the shipped profile in its `profils/` folder.
    func espace(territoires: [String] = []) throws -> EspaceDeTest {
        let t = try EspaceDeTest(territoires: territoires)
        try FileManager.default.copyItem(at: SuiviTests.profil, to: t.espace.dossierProfils.appendingPathComponent("suivi-appels.yml"))
        return t
    }

    func importer(_ t: EspaceDeTest, _ urls: [URL]) throws -> BilanImport {
        try t.importer(urls) { o in o.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
    }

    func entree(_ b: BilanImport, _ table: TableCanonique) throws -> BilanFichier {
        try XCTUnwrap(b.fichiers.first { $0.table == table }, "\(table)")
    }

    /// The example tracker's CSV twin with some cells changed (`changements[id][column index]`),
    /// written with `encodage` (UTF-8 by default) under the same file name.
    func jumeau(_ t: EspaceDeTest, _ changements: [String: [Int: String]], nom: String = "suivi-appels-2025.csv",
                encodage: (String) throws -> Data = { Data($0.utf8) }) throws -> URL {
        let source = try String(contentsOf: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.csv"), encoding: .windowsCP1252)
        var lignes = source.components(separatedBy: "\r\n")
        var faits = 0
        for (i, l) in lignes.enumerated() {
            var champs = l.components(separatedBy: ";")
            guard let c = changements[champs[0]] else { continue }
            for (k, v) in c { champs[k] = v }
            lignes[i] = champs.joined(separator: ";")
            faits += 1
        }
        XCTAssertEqual(faits, changements.count, "every row to change was found")
        let dossier = t.dossier.appendingPathComponent("jumeau-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        let url = dossier.appendingPathComponent(nom)
        try encodage(lignes.joined(separator: "\r\n")).write(to: url)
        return url
    }

    static let partenaires = SuiviTests.exemples.appendingPathComponent("partenaires-c360.csv")

    // MARK: - F3: check marks

    func testLesCochesSeLisentOuiNonEtUnSymboleIncomprisNEstJamaisVide() {
        func lu(_ s: String) -> String {
            switch Valeurs.booleen(s) {
            case .vide: return "vide"
            case .invalide: return "invalide"
            case .valeur(let b): return b ? "oui" : "non"
            }
        }
        for s in ["✓", "✔", "✔\u{FE0F}", "☑", "✅", " ✓ ", "\u{A0}✓", "✓✓"] { XCTAssertEqual(lu(s), "oui", s) }
        for s in ["✗", "✘", "☒", "❌", "❎", " ✗"] { XCTAssertEqual(lu(s), "non", s) }
        // A symbol nobody defined: typed, so not empty; reported as not understood.
        for s in ["★", "☐", "→", "✓✗", "×", "€", "🙂"] { XCTAssertEqual(lu(s), "invalide", s) }
        // Punctuation alone still leaves a cell blank, as before.
        for s in ["", "  ", "-", "?", "/"] { XCTAssertEqual(lu(s), "vide", s) }
        // Unchanged readings.
        XCTAssertEqual(lu("Oui"), "oui")
        XCTAssertEqual(lu("N"), "non")
        XCTAssertEqual(lu("peut-être"), "invalide")
        XCTAssertTrue(Normalisation.symbolique("✓"))
        XCTAssertFalse(Normalisation.symbolique("- ?"))
    }

    /// Review 4 (F3): ✓ in « Montage partenarial 1 » and « Éval. existante » (both `defaut: non`
    /// in the shipped profile) rejected the orientation as « vide alors qu'elle est
    /// obligatoire ». Now ✓ is yes and ✗ no, and a symbol that means nothing (★) is rejected
    /// as not a yes/no answer, never as empty.
    func testUnTableurACochesEstLuEtUnSymboleInconnuEstSignale() throws {
        let t = try espace()
        let fichier = try jumeau(t, ["A-001": [17: "✓", 26: "✔\u{FE0F}"], "A-004": [26: "✗"], "A-007": [26: "❌"],
                                     "A-005": [17: "★"]])
        let b = try importer(t, [fichier, Suivi4Tests.partenaires])
        let p = try entree(b, .propositions)
        func valeur(_ colonne: String, _ id: String) throws -> Int {
            try t.compter("SELECT \(colonne) FROM propositions WHERE id_proposition = '\(id)'")
        }
        XCTAssertEqual(try valeur("ad_hoc_partenaires", "A-001-1"), 1, "✓ : oui (N dans l'exemple)")
        XCTAssertEqual(try valeur("evaluation_preexistante", "A-001-1"), 1, "✔️ : oui")
        XCTAssertEqual(try valeur("evaluation_preexistante", "A-004-1"), 0, "✗ : non")
        XCTAssertEqual(try valeur("evaluation_preexistante", "A-007-1"), 0, "❌ : non (O dans l'exemple)")
        // ★ : rejected as not understood, with its column, never as an empty cell.
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = 'A-005-1'"), 0)
        XCTAssertNil(p.motifs["valeur_manquante"].flatMap { $0 > 1 ? $0 : nil }, "\(p.motifs)")
        let etoile = try XCTUnwrap(p.exemples.first { $0.identifiant == "A-005-1" }, "\(p.exemples.map(\.message))")
        XCTAssertEqual(etoile.regle, .booleenInvalide, etoile.message)
        XCTAssertEqual(etoile.colonneSource, "Montage partenarial 1")
        XCTAssertTrue(etoile.message.contains("n'est pas une réponse oui/non") && etoile.message.contains("✓/✗"), etoile.message)
        XCTAssertFalse(etoile.message.contains("est vide"), etoile.message)
    }

    /// A symbol alone in an enumerated column was read as empty too (an optional column lost
    /// its value silently): it is now a value not understood.
    func testUnSymboleSeulDansUneEnumerationNEstPasVide() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", canal: "★"), CSV.sollicitation("S2", canal: "-"), CSV.sollicitation("S3", rapt: "✓"),
        ]))
        let b = try t.importer([url])
        let s = try XCTUnwrap(b.fichiers.first)
        XCTAssertEqual([s.lues, s.importees, s.rejetees], [3, 2, 1])
        XCTAssertEqual(s.exemples.first?.identifiant, "S1")
        XCTAssertEqual(s.exemples.first?.regle, .valeurInconnue)
        XCTAssertEqual(try t.compter("SELECT orientation_rapt FROM sollicitations WHERE id_sollicitation = 'S3'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S2' AND canal IS NULL"), 1)
    }
}
