import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireRapports

/// The libraries' own English texts never reach a coordinator (review of the scheduled runs, F7).
final class MessagesBibliothequesTests: XCTestCase {
    /// A workbook that cannot be written gives our French error and nothing from the library
    /// on standard error (descriptor 2 is captured in a file for the duration of the close).
    func testLibxlsxwriterMuetSurErreurDEcriture() throws {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dossier) }
        let c = try ClasseurXLSX(chemin: dossier.appendingPathComponent("absent/rapport.xlsx").path)
        _ = try c.feuille("Synthèse")
        let capture = dossier.appendingPathComponent("stderr.txt")
        fflush(stderr)
        let sauve = dup(STDERR_FILENO)
        let fd = open(capture.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        dup2(fd, STDERR_FILENO)
        close(fd)
        var erreur: Error?
        do { try c.fermer() } catch { erreur = error }
        fflush(stderr)
        dup2(sauve, STDERR_FILENO)
        close(sauve)
        XCTAssertEqual((erreur as? ErreurObservatoire)?.code, .ecritureImpossible, "\(String(describing: erreur))")
        let ecrit = try String(contentsOf: capture, encoding: .utf8)
        XCTAssertEqual(ecrit, "", "rien de la bibliothèque sur la sortie d'erreur")
    }

    /// libyaml's nesting limit is told in French.
    func testImbricationYAMLEnFrancais() throws {
        let texte = "c360:\n  nom: \"X\"\n  departement: \"62\"\nx: " + String(repeating: "[", count: 2_000) + String(repeating: "]", count: 2_000) + "\n"
        XCTAssertThrowsError(try Configuration.analyser(texte, fichier: "observatoire.yml")) { e in
            let e = e as? ErreurObservatoire
            let texte = (e?.message ?? "") + (e?.conseil ?? "")
            XCTAssertEqual(e?.code, .usage)
            XCTAssertTrue(texte.contains("imbriquées"), texte)
            for anglais in ["Maximum", "nesting", "yaml_set_max_nest_level", "found", "unexpected end of stream"] {
                XCTAssertFalse(texte.contains(anglais), texte)
            }
        }
    }
}
