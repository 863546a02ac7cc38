import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// A lost, locked or damaged database (review of the scheduled runs, F3 and F5).
final class BaseProtegeeTests: XCTestCase {
    override func tearDown() {
        Base.attenteSiOccupee = 10
        super.tearDown()
    }

    /// A workspace with one import, so that its database exists and holds data.
    func espaceAvecDonnees() throws -> EspaceDeTest {
        let t = try EspaceDeTest()
        let f = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1"), CSV.sollicitation("S2")]))
        XCTAssertEqual(try t.importer([f]).totalImportees, 2)
        return t
    }

    func taille(_ url: URL) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
    }

    func verifierRefus(_ t: EspaceDeTest, _ creer: Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Base.ouvrir(t.espace.baseDeDonnees, creer: creer, espace: t.espace), file: file, line: line) { e in
            let e = e as? ErreurObservatoire
            XCTAssertEqual(e?.code, .donneesIllisibles, file: file, line: line)
            XCTAssertTrue(e?.message.contains("Rien n'a été modifié") == true, e?.message ?? "", file: file, line: line)
            XCTAssertTrue(e?.conseil?.contains("Restaurez « \(t.espace.baseDeDonnees.path) » depuis votre sauvegarde") == true,
                          e?.conseil ?? "", file: file, line: line)
        }
    }

    // MARK: - F3: a missing or empty database in a workspace with a history

    func testBaseSupprimeeAvecArchivesRefusee() throws {
        let t = try espaceAvecDonnees()
        let mois = t.espace.dossierArchives.appendingPathComponent("2026-01")
        try FileManager.default.createDirectory(at: mois, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: mois.appendingPathComponent("sollicitations.csv"))
        try FileManager.default.removeItem(at: t.espace.baseDeDonnees)
        for creer in [true, false] { verifierRefus(t, creer) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.espace.baseDeDonnees.path), "aucune base vide créée à sa place")
    }

    func testBaseVideAvecRapportsRefusee() throws {
        let t = try espaceAvecDonnees()
        for trace in [".etat-des-rapports", "tableau-de-bord.html"] {
            let u = t.espace.dossierRapports.appendingPathComponent(trace)
            try Data("x".utf8).write(to: u)
            XCTAssertTrue(FileManager.default.createFile(atPath: t.espace.baseDeDonnees.path, contents: Data()))
            for creer in [true, false] { verifierRefus(t, creer) }
            XCTAssertEqual(taille(t.espace.baseDeDonnees), 0, "la base vide n'est ni migrée ni écrite")
            try FileManager.default.removeItem(at: u)
        }
    }

    /// Without any history (a new workspace, `init`, the first import), a missing or empty
    /// database is created; a command that only reads says to import first.
    func testSansHistoriqueLaBaseEstCreee() throws {
        let t = try EspaceDeTest()
        // What does not count as history: logs, set-aside files, hidden files.
        for (dossier, nom) in [(t.espace.dossierJournaux, "executer-2026-01-15.log"), (t.espace.dossierErreurs, "x.csv"),
                               (t.espace.dossierRapports, ".DS_Store"), (t.espace.dossierArchives, ".DS_Store")] {
            try Data("x".utf8).write(to: dossier.appendingPathComponent(nom))
        }
        try FileManager.default.createDirectory(at: t.espace.dossierArchives.appendingPathComponent("2026-01"), withIntermediateDirectories: true)
        XCTAssertNil(t.espace.traceDHistorique())
        XCTAssertThrowsError(try Base.ouvrir(t.espace.baseDeDonnees, creer: false, espace: t.espace)) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .usage)
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: t.espace.baseDeDonnees.path, contents: Data()))
        XCTAssertThrowsError(try Base.ouvrir(t.espace.baseDeDonnees, creer: false, espace: t.espace)) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .usage)
            XCTAssertTrue((e as? ErreurObservatoire)?.message.contains("est vide") == true, "\(e)")
        }
        _ = try Base.ouvrir(t.espace.baseDeDonnees, espace: t.espace)
        XCTAssertGreaterThan(taille(t.espace.baseDeDonnees) ?? 0, 0, "la base vide de 0 octet est devenue une base c360")
        try FileManager.default.removeItem(at: t.espace.baseDeDonnees)
        _ = try Base.ouvrir(t.espace.baseDeDonnees, espace: t.espace)
        XCTAssertGreaterThan(taille(t.espace.baseDeDonnees) ?? 0, 0)
    }

    /// End to end: an emptied database makes the monthly run and the reports stop with code 65
    /// and leave the published reports as they were.
    func testExecuterRefuseUneBaseVideetNeTouchePasAuxRapports() throws {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dossier) }
        XCTAssertEqual(try Binaire.lancer(["init", dossier.path]).code, 0)
        try Data(CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", date: "2026-01-05"), CSV.sollicitation("S2", date: "2026-01-06")]).utf8)
            .write(to: dossier.appendingPathComponent("a-traiter/sollicitations.csv"))
        let premiere = try Binaire.lancer(["executer", "--dossier", dossier.path])
        XCTAssertEqual(premiere.code, 0, premiere.erreur)
        let rapports = dossier.appendingPathComponent("rapports")
        func contenu() throws -> [String: Data] {
            var r: [String: Data] = [:]
            for n in try FileManager.default.contentsOfDirectory(atPath: rapports.path) {
                r[n] = try Data(contentsOf: rapports.appendingPathComponent(n))
            }
            return r
        }
        let avant = try contenu()
        XCTAssertFalse(avant.isEmpty)
        let base = dossier.appendingPathComponent("donnees/observatoire.sqlite")
        try Data().write(to: base)
        for commande in [["executer"], ["tableau-de-bord"], ["indicateurs", "--annee", "2026"]] {
            let r = try Binaire.lancer(commande + ["--dossier", dossier.path])
            XCTAssertEqual(r.code, 65, "\(commande): \(r.erreur)")
            XCTAssertTrue(r.erreur.contains("est vide (0 octet)") && r.erreur.contains("Restaurez « \(base.path) »"), r.erreur)
        }
        XCTAssertEqual(try contenu(), avant, "aucun rapport réécrit")
        XCTAssertEqual(taille(base), 0)
        try FileManager.default.removeItem(at: base)
        XCTAssertEqual(try Binaire.lancer(["executer", "--dossier", dossier.path]).code, 65, "base supprimée")
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.path))
    }

    // MARK: - F5: a locked or damaged database

    /// A second connection that holds a lock, as `sqlite3 base 'BEGIN EXCLUSIVE'` would.
    func verrouiller(_ url: URL, _ sql: String) throws -> DatabaseQueue {
        var config = GRDB.Configuration()
        config.allowsUnsafeTransactions = true
        let autre = try DatabaseQueue(path: url.path, configuration: config)
        try autre.inDatabase { db in try db.execute(sql: sql) }
        return autre
    }

    func verifierOccupee(_ e: Error, file: StaticString = #filePath, line: UInt = #line) {
        let e = (e as? ErreurObservatoire) ?? Base.erreurFrancaise(e)
        XCTAssertEqual(e?.code, .verrouille, "\(String(describing: e))", file: file, line: line)
        XCTAssertTrue(e?.message.contains("une autre opération utilise la base ; réessayez plus tard") == true, e?.description ?? "", file: file, line: line)
    }

    func testBaseVerrouilleeParUnAutreProgrammeCode75() throws {
        let t = try espaceAvecDonnees()
        Base.attenteSiOccupee = 0
        let f = try t.ecrire("sollicitations2.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S3")]))
        let avant = try t.instantane()
        for sql in ["BEGIN EXCLUSIVE", "BEGIN IMMEDIATE", "BEGIN; SELECT count(*) FROM imports"] {
            let autre = try verrouiller(t.espace.baseDeDonnees, sql)
            XCTAssertThrowsError(try t.importer([f]), sql) { verifierOccupee($0) }
            try autre.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        }
        XCTAssertEqual(try t.instantane(), avant, "rien n'a changé")
        XCTAssertEqual(try t.importer([f]).totalImportees, 1, "une fois le verrou rendu, l'import passe")
    }

    func testBaseEndommageeCode65() throws {
        let t = try espaceAvecDonnees()
        let url = t.espace.baseDeDonnees
        try Data(repeating: 0x42, count: 8192).write(to: url)
        XCTAssertThrowsError(try Base.ouvrir(url, espace: t.espace)) { e in
            let e = e as? ErreurObservatoire
            XCTAssertEqual(e?.code, .donneesIllisibles)
            XCTAssertTrue(e?.message.contains("est endommagée") == true, e?.message ?? "")
            XCTAssertTrue(e?.conseil?.contains("La base est endommagée : restaurez-la depuis la sauvegarde") == true, e?.conseil ?? "")
            XCTAssertTrue(e?.conseil?.contains(url.path) == true, e?.conseil ?? "")
        }
        for code in [ResultCode.SQLITE_CORRUPT, .SQLITE_NOTADB] {
            XCTAssertEqual(Base.erreurFrancaise(DatabaseError(resultCode: code)).code, .donneesIllisibles)
        }
        for code in [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED] {
            XCTAssertEqual(Base.erreurFrancaise(DatabaseError(resultCode: code)).code, .verrouille)
        }
    }
}
