import Foundation
import XCTest
@testable import ObservatoireCore

/// The command-line contract of spec/cli.md, through the built executable.
final class CLITests: XCTestCase {
    func testUsageEnFrancaisEtCode2() throws {
        let sansArgument = try Binaire.lancer(["importer"])
        XCTAssertEqual(sansArgument.code, 2)
        XCTAssertTrue(sansArgument.erreur.contains("Argument obligatoire manquant"), sansArgument.erreur)
        XCTAssertTrue(sansArgument.erreur.contains("Voir « c360 importer --help »"), sansArgument.erreur)
        XCTAssertFalse(sansArgument.erreur.contains("See '"))
        let aide = try Binaire.lancer(["--help"])
        XCTAssertEqual(aide.code, 0)
        XCTAssertTrue(aide.sortie.contains("SOUS-COMMANDES :") && aide.sortie.contains("Codes de sortie"))
        let sansEspace = try Binaire.lancer(["indicateurs", "--annee", "2025"], dossier: URL(fileURLWithPath: "/"))
        XCTAssertEqual(sansEspace.code, 2)
        XCTAssertTrue(sansEspace.erreur.contains("Aucun espace de travail"), sansEspace.erreur)
        XCTAssertEqual(try Binaire.lancer(["indicateurs", "--annee", "2025", "--mois", "2025-01"]).code, 2)
    }

    func testInitImporterJSONEtIndicateurs() throws {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dossier) }
        let init_ = try Binaire.lancer(["init", dossier.path, "--nom", "C360 « essai »", "--departement", "2a"])
        XCTAssertEqual(init_.code, 0, init_.erreur)
        XCTAssertEqual(try Binaire.lancer(["init", dossier.path]).code, 2, "refuse d'écraser")
        let entree = dossier.appendingPathComponent("a-traiter/sollicitations.csv")
        try Data(CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1"), CSV.sollicitation("S2", profil: "inconnu")]).utf8).write(to: entree)
        let r = try Binaire.lancer(["importer", "--dossier", dossier.path, "--format", "json", entree.path])
        XCTAssertEqual(r.code, 3, "des lignes rejetées : code 3")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.sortie.utf8)) as? [String: Any])
        let f = try XCTUnwrap((json["fichiers"] as? [[String: Any]])?.first)
        XCTAssertEqual(f["fichier"] as? String, "sollicitations.csv")
        XCTAssertEqual(f["table"] as? String, "sollicitations")
        XCTAssertEqual(f["lues"] as? Int, 2)
        XCTAssertEqual(f["importees"] as? Int, 1)
        XCTAssertEqual(f["rejetees"] as? Int, 1)
        XCTAssertEqual(f["deja_importe"] as? Bool, false)
        XCTAssertEqual((f["motifs"] as? [String: Int])?["valeur_inconnue"], 1)
        let encore = try Binaire.lancer(["importer", "--dossier", dossier.path, "--format", "json", entree.path])
        XCTAssertEqual(encore.code, 0)
        XCTAssertTrue(encore.sortie.contains("\"deja_importe\":true"))
        // An empty folder: nothing to do, and the summary says what to check.
        let vide = dossier.appendingPathComponent("vide")
        try FileManager.default.createDirectory(at: vide, withIntermediateDirectories: true)
        let rien = try Binaire.lancer(["importer", "--dossier", dossier.path, vide.path])
        XCTAssertEqual(rien.code, 0, rien.erreur)
        XCTAssertTrue(rien.sortie.contains("Aucun fichier à importer"), rien.sortie)
        let table = try Binaire.lancer(["indicateurs", "--dossier", dossier.path, "--annee", "2025"])
        XCTAssertEqual(table.code, 0, table.erreur)
        XCTAssertTrue(table.sortie.contains("Indicateurs du cahier des charges — C360 « essai » — année 2025"), table.sortie)
        let csv = try Binaire.lancer(["indicateurs", "--dossier", dossier.path, "--annee", "2025", "--format", "csv", "--diffusion", "externe"])
        XCTAssertTrue(csv.sortie.hasPrefix("c360;departement;debut;fin;"))
        XCTAssertTrue(csv.sortie.contains(";2A;2025-01-01;2025-12-31;;externe;1.1;"), csv.sortie)
    }

    /// A database damaged outside the tool: every command says so in French, names the file
    /// and says what to do, instead of printing SQLite's English message.
    func testBaseEndommageeMessageFrancais() throws {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dossier) }
        XCTAssertEqual(try Binaire.lancer(["init", dossier.path]).code, 0)
        let base = dossier.appendingPathComponent("donnees/observatoire.sqlite")
        try Data(repeating: 0x42, count: 8192).write(to: base)
        for commande in [["indicateurs", "--annee", "2025"], ["importer", dossier.appendingPathComponent("a-traiter").path]] {
            let r = try Binaire.lancer(commande + ["--dossier", dossier.path])
            XCTAssertNotEqual(r.code, 0, r.erreur)
            XCTAssertTrue(r.erreur.contains("n'est pas une base SQLite"), r.erreur)
            XCTAssertTrue(r.erreur.contains(base.lastPathComponent), r.erreur)
            XCTAssertTrue(r.erreur.contains("→"), "un conseil : \(r.erreur)")
            XCTAssertFalse(r.erreur.contains("file is not a database"), r.erreur)
        }
    }
}
