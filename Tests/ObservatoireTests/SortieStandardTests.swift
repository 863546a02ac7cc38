import Foundation
import XCTest
@testable import ObservatoireCore

/// F4: a standard output that cannot be written ends the command with code 73 and one French
/// line, never a crash (SIGILL, code 132) with an English backtrace.
final class SortieStandardTests: XCTestCase {
    func verifier(_ r: Binaire.Resultat, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.code, 73, r.erreur, file: file, line: line)
        XCTAssertTrue(r.erreur.contains("Erreur : la sortie standard ne peut pas être écrite"), r.erreur, file: file, line: line)
        XCTAssertEqual(r.erreur.split(separator: "\n").count, 1, r.erreur, file: file, line: line)
        XCTAssertFalse(r.erreur.contains("Fatal error"), r.erreur, file: file, line: line)
    }

    func testSortiePleineOuFermee() throws {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dossier) }
        let sh = URL(fileURLWithPath: "/bin/sh")
        let pleine = (sh, ["-c", "exec \"$0\" \"$@\" >/dev/full"])
        let fermee = (sh, ["-c", "exec \"$0\" \"$@\" >&-"])
        let init_ = try Binaire.lancer(["init", dossier.path], enveloppe: pleine)
        verifier(init_)
        XCTAssertTrue(init_.erreur.contains("le disque est plein"), init_.erreur)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dossier.appendingPathComponent("observatoire.yml").path), "le travail est fait")
        try Data(CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", date: "2026-01-05")]).utf8)
            .write(to: dossier.appendingPathComponent("a-traiter/sollicitations.csv"))
        let executer = try Binaire.lancer(["executer", "--dossier", dossier.path], enveloppe: fermee)
        verifier(executer)
        XCTAssertTrue(executer.erreur.contains("elle est fermée"), executer.erreur)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dossier.appendingPathComponent("a-traiter").path), [], "importé et archivé")
        // The closed descriptor 1 was not reused by a file the run opened (log, archive).
        let journaux = dossier.appendingPathComponent("journaux")
        for n in try FileManager.default.contentsOfDirectory(atPath: journaux.path) {
            let texte = try String(contentsOf: journaux.appendingPathComponent(n), encoding: .utf8)
            XCTAssertFalse(texte.contains("Rapports de l'année"), "le résumé n'est pas écrit dans le journal")
        }
        verifier(try Binaire.lancer(["indicateurs", "--annee", "2026", "--format", "csv", "--dossier", dossier.path], enveloppe: pleine))
        verifier(try Binaire.lancer(["--help"], enveloppe: pleine))
    }

    /// A reader that has gone (`c360 … | programme` where the program stopped): EPIPE, code 73,
    /// not a silent death by SIGPIPE.
    func testTubeFerme() throws {
        let p = Process()
        p.executableURL = Binaire.url
        p.arguments = ["--help"]
        let tube = Pipe(), erreur = Pipe()
        try tube.fileHandleForReading.close()
        p.standardOutput = tube
        p.standardError = erreur
        try p.run()
        try tube.fileHandleForWriting.close()
        let texte = String(decoding: erreur.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, texte)
        XCTAssertEqual(p.terminationStatus, 73, texte)
        XCTAssertTrue(texte.contains("le programme qui la lisait s'est arrêté"), texte)
    }
}
