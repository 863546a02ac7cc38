import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireExecution
@testable import ObservatoireImport
@testable import ObservatoireStore

/// The monthly run and what arrives in its inbox at the wrong moment: a file changed once read,
/// requests that wait while their propositions are there, a file dated in the future, a file
/// dropped again once what it lacked has been fixed. Nothing may be archived unread, nor lost.
final class BoiteDeDepotTests: XCTestCase {
    func options(delai: TimeInterval = 0) -> OptionsExecution {
        var o = OptionsExecution(aujourdhui: Jour(annee: 2025, mois: 6, jour: 30)!, mois: Jour(annee: 2025, mois: 5, jour: 1))
        o.delaiStabilite = delai
        return o
    }

    func deposer(_ t: EspaceDeTest, _ nom: String, _ contenu: String, age: TimeInterval = 600) throws -> URL {
        let url = t.espace.dossierATraiter.appendingPathComponent(nom)
        try Data(contenu.utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: url.path)
        return url
    }

    static let sollicitations = CSV.fichier(CSV.enteteSollicitations, (1...3).map { CSV.sollicitation("S\($0)", personne: "P\($0)") })
    static let propositions = CSV.fichier(CSV.entetePropositions, (1...3).map { CSV.proposition("PR\($0)", "S\($0)", date: "2025-03-20") })

    /// Rows appended to a file between its reading and its filing (or another file put in
    /// its place by `mv`, as an upload ends): it is not archived with rows never imported; it
    /// stays in the inbox and the next run reads it again.
    func testUnFichierModifieApresSaLectureNEstPasArchive() throws {
        let t = try EspaceDeTest()
        let url = try deposer(t, "sollicitations.csv", Self.sollicitations)
        var o = options()
        o.avantArchivage = {
            let h = try! FileHandle(forWritingTo: url)
            h.seekToEndOfFile()
            h.write(Data((CSV.sollicitation("S4", personne: "P4") + "\n").utf8))
            try! h.close()
        }
        let b1 = try ExecutionMensuelle.executer(espace: t.espace, options: o)
        XCTAssertTrue(b1.archives.isEmpty, "\(b1.archives.map(\.fichier))")
        XCTAssertEqual(b1.enAttente.map(\.fichier), ["sollicitations.csv"])
        XCTAssertTrue(b1.enAttente[0].raison?.contains("modifié (ou remplacé) depuis sa lecture") == true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: url.path))
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: url.path)
        let b2 = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(b2.archives.map(\.fichier), ["sollicitations.csv"])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 4)
        // Filed away readable by its owner only (it may hold names and telephone numbers).
        let mode = try FileManager.default.attributesOfItem(atPath: b2.archives[0].destination.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    /// The requests' file is still being copied: their propositions wait with it, instead of
    /// being all rejected (unknown requests) and archived, after which dropping them again
    /// changed nothing (already imported).
    func testLesPropositionsAttendentLeFichierDeLeursSollicitations() throws {
        let t = try EspaceDeTest()
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations, age: 0)
        _ = try deposer(t, "propositions.csv", Self.propositions)
        let b1 = try ExecutionMensuelle.executer(espace: t.espace, options: options(delai: 60))
        XCTAssertEqual(Set(b1.enAttente.map(\.fichier)), ["sollicitations.csv", "propositions.csv"])
        let p = try XCTUnwrap(b1.enAttente.first { $0.fichier == "propositions.csv" })
        XCTAssertTrue(p.raison?.contains("« sollicitations.csv »") == true, p.raison ?? "")
        XCTAssertTrue(b1.archives.isEmpty)
        XCTAssertEqual(b1.code, .succes)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM rejets"), 0)
        let b2 = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(Set(b2.archives.map(\.fichier)), ["sollicitations.csv", "propositions.csv"])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions"), 3)
    }

    /// The same with `importer`: an unreadable requests' file holds its propositions back.
    func testUnFichierDeSollicitationsIllisibleRetientSesPropositions() throws {
        let t = try EspaceDeTest()
        let s = try t.ecrire("sollicitations.csv", "")
        mkfifo(t.dossier.appendingPathComponent("fifo").path, 0o600)
        try FileManager.default.removeItem(at: s)
        try FileManager.default.createSymbolicLink(at: s, withDestinationURL: t.dossier.appendingPathComponent("fifo"))
        let p = try t.ecrire("propositions.csv", Self.propositions)
        let b = try t.importer([s, p])
        let prop = try XCTUnwrap(b.fichiers.first { $0.fichier == "propositions.csv" })
        XCTAssertEqual(prop.erreur?.enAttente, true, "\(prop.erreur?.description ?? "importé")")
        XCTAssertEqual(prop.rejetees, 0)
        XCTAssertEqual(b.code, .donneesIllisibles)
    }

    /// Filing fails after the import was committed: the error carries what the run did (the
    /// import's summary is not lost), the file stays in the inbox, and the next run files it
    /// without importing it twice.
    func testUnEchecApresLImportGardeSonBilan() throws {
        let t = try EspaceDeTest()
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations.replacingOccurrences(of: "S3;", with: "S3;x"))
        var o = options()
        let mois = t.espace.dossierArchives.appendingPathComponent("2025-06")
        o.avantArchivage = { try! Data("pas un dossier".utf8).write(to: mois) }
        XCTAssertThrowsError(try ExecutionMensuelle.executer(espace: t.espace, options: o)) { e in
            guard let e = e as? ExecutionInterrompue else { return XCTFail("\(e)") }
            XCTAssertEqual(e.bilan.importation?.totalImportees, 2)
            XCTAssertEqual(e.bilan.importation?.totalRejetees, 1)
            XCTAssertEqual((e.cause as? ErreurObservatoire)?.code, .ecritureImpossible)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: t.espace.dossierATraiter.appendingPathComponent("sollicitations.csv").path))
        try FileManager.default.removeItem(at: mois)
        let b = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(b.archives.map(\.fichier), ["sollicitations.csv"])
        XCTAssertTrue(b.importation?.fichiers.allSatisfy(\.dejaImporte) == true)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        // Review (cron F6, R8): the rejected row was never signalled by an exit code, the
        // stopped run having ended in error: the run that ends does it (code 3), once.
        XCTAssertEqual(b.rejetsAnterieurs, 1)
        XCTAssertEqual(b.code, .rejets)
        XCTAssertTrue(b.resume.contains("Signalées maintenant : 1 ligne rejetée par une exécution précédente"), b.resume)
        let suivante = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(suivante.rejetsAnterieurs, 0)
        XCTAssertEqual(suivante.code, .succes, suivante.resume)
        // A run whose own import rejects rows says so by its code, and leaves nothing pending.
        _ = try deposer(t, "sollicitations-2.csv", Self.sollicitations.replacingOccurrences(of: "S2;", with: "S2;x").replacingOccurrences(of: "S1;", with: "S4;"))
        let avecRejet = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual([avecRejet.importation?.totalRejetees, avecRejet.rejetsAnterieurs], [1, 0])
        XCTAssertEqual(avecRejet.code, .rejets)
        XCTAssertEqual(try ExecutionMensuelle.executer(espace: t.espace, options: options()).code, .succes)
    }

    /// Review (year M1): December's decisions typed in January changed 2025's figures, but the
    /// run only rewrote 2026's reports: 2025's report and December dashboard kept the old ones,
    /// and nothing said they were out of date. An earlier year whose data changed gets its
    /// reports again, as of its December, and the summary says so; otherwise they are left.
    func testDesDonneesTardivesDeLAnneePasseeRefontSesRapports() throws {
        let t = try EspaceDeTest()
        func executer(_ mois: Int, _ annee: Int, le aujourdhui: Jour) throws -> BilanExecution {
            try ExecutionMensuelle.executer(espace: t.espace, options: OptionsExecution(aujourdhui: aujourdhui, mois: Jour(annee: annee, mois: mois, jour: 1)))
        }
        _ = try deposer(t, "sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, (1...8).map {
            CSV.sollicitation("S\($0)", date: "2025-12-0\($0)", personne: "P\($0)") }))
        _ = try deposer(t, "propositions.csv", CSV.fichier(CSV.entetePropositions, (1...8).map {
            CSV.proposition("PR\($0)", "S\($0)", date: "2025-12-1\($0)", decision: "en_attente") }))
        let decembre = try executer(12, 2025, le: Jour(annee: 2026, mois: 1, jour: 2)!)
        XCTAssertEqual(decembre.anneesRafraichies, [])
        let rapport2025 = try XCTUnwrap(decembre.rapports.first { $0.lastPathComponent.hasSuffix("2025.html") && !$0.lastPathComponent.contains("interne") })
        let avant = try String(contentsOf: rapport2025, encoding: .utf8)

        // January's run, nothing about 2025: its reports are left as they are.
        _ = try deposer(t, "sollicitations-2026.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S20", date: "2026-01-05", personne: "P20")]))
        let janvier = try executer(1, 2026, le: Jour(annee: 2026, mois: 2, jour: 2)!)
        XCTAssertEqual(janvier.anneesRafraichies, [], janvier.resume)
        XCTAssertEqual(try String(contentsOf: rapport2025, encoding: .utf8), avant)

        // December's decisions, typed in January and dropped in February.
        _ = try deposer(t, "propositions-decisions.csv", CSV.fichier(CSV.entetePropositions, (1...8).map {
            CSV.proposition("PR\($0)", "S\($0)", date: "2025-12-1\($0)", decision: "acceptee", dateDecision: "2026-01-1\($0)") }))
        let fevrier = try executer(1, 2026, le: Jour(annee: 2026, mois: 2, jour: 3)!)
        XCTAssertEqual(fevrier.anneesRafraichies, [2025], fevrier.resume)
        XCTAssertTrue(fevrier.resume.contains("Des données de 2025 ont changé depuis ses rapports"), fevrier.resume)
        XCTAssertTrue(fevrier.rapports.contains(rapport2025))
        XCTAssertTrue(fevrier.rapports.contains { $0.lastPathComponent.contains("2025-12") }, "\(fevrier.rapports.map(\.lastPathComponent))")
        XCTAssertNotEqual(try String(contentsOf: rapport2025, encoding: .utf8), avant, "le rapport 2025 suit les décisions")
        // A partner referenced in 2026 changes no 2025 figure: 2025 is left (regression review M3).
        _ = try deposer(t, "acteurs.csv", "acteur_id;nom;categorie;membre_coeur;partenaire;date_referencement;date_sortie\nA9;Nouveau partenaire;droit_commun;non;oui;2026-01-20;\n")
        XCTAssertEqual(try executer(1, 2026, le: Jour(annee: 2026, mois: 2, jour: 3)!).anneesRafraichies, [])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs WHERE acteur_id = 'A9'"), 1)
        // Once rewritten, 2025 is up to date again.
        _ = try deposer(t, "sollicitations-2026-b.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S21", date: "2026-01-06", personne: "P21")]))
        XCTAssertEqual(try executer(1, 2026, le: Jour(annee: 2026, mois: 2, jour: 4)!).anneesRafraichies, [])
    }

    /// A run whose import rejected one row (of three) and stopped while filing: the archive's
    /// month folder was a file. The folder is usable again afterwards.
    func arreteeApresLImport() throws -> EspaceDeTest {
        let t = try EspaceDeTest()
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations.replacingOccurrences(of: "S3;", with: "S3;x"))
        var o = options()
        let mois = t.espace.dossierArchives.appendingPathComponent("2025-06")
        o.avantArchivage = { try! Data("pas un dossier".utf8).write(to: mois) }
        XCTAssertThrowsError(try ExecutionMensuelle.executer(espace: t.espace, options: o))
        try FileManager.default.removeItem(at: mois)
        return t
    }

    /// The regression review (L5): rows rejected by a stopped run, then corrected (the file
    /// dropped again, fixed) are no longer to fix: the next run does not signal them.
    func testDesRejetsCorrigesDepuisNeSontPlusSignales() throws {
        let t = try arreteeApresLImport()
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations)
        let b = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(b.rejetsCourants, 0)
        XCTAssertEqual(b.rejetsAnterieurs, 0)
        XCTAssertEqual(b.code, .succes, b.resume)
    }

    /// A dry run neither signals nor clears what a stopped run left to signal.
    func testUneExecutionABlancNeConsommePasLesRejetsASignaler() throws {
        let t = try arreteeApresLImport()
        var blanc = options()
        blanc.aBlanc = true
        XCTAssertEqual(try ExecutionMensuelle.executer(espace: t.espace, options: blanc).rejetsAnterieurs, 0)
        XCTAssertEqual(try ExecutionMensuelle.executer(espace: t.espace, options: options()).rejetsAnterieurs, 1)
    }

    /// A folder the run must write to that cannot be: nothing is imported (before, the import
    /// was committed and the run failed at filing, every month).
    func testUnDossierInutilisableArreteAvantLImport() throws {
        let t = try EspaceDeTest()
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations)
        try FileManager.default.removeItem(at: t.espace.dossierErreurs)
        try Data("pas un dossier".utf8).write(to: t.espace.dossierErreurs)
        XCTAssertThrowsError(try ExecutionMensuelle.executer(espace: t.espace, options: options())) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .ecritureImpossible, "\(e)")
        }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sqlite_master WHERE name = 'sollicitations'") == 0 ? 0 : t.compter("SELECT count(*) FROM sollicitations"), 0)
    }

    /// The same file dropped again the same month: « already imported », and the archive keeps
    /// one copy (it used to gain a suffixed duplicate at every drop).
    func testUnFichierRedeposeNEstPasArchiveDeuxFois() throws {
        let t = try EspaceDeTest()
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations)
        _ = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations)
        let b = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertTrue(b.importation?.fichiers.allSatisfy(\.dejaImporte) == true)
        let archive = t.espace.dossierArchives.appendingPathComponent("2025-06")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: archive.path).sorted(), ["sollicitations.csv", "sollicitations.csv.sha256"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.espace.dossierATraiter.path), [])
        // Other bytes under the same name: filed beside it.
        _ = try deposer(t, "sollicitations.csv", Self.sollicitations + CSV.sollicitation("S9", personne: "P9") + "\n")
        _ = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: archive.path).count, 4)
    }

    /// A file dated in the future (a share whose clock is ahead) is not « being copied »
    /// forever: unchanged at a second look, it is imported.
    func testUnFichierDateDansLeFuturEstImporte() throws {
        let t = try EspaceDeTest()
        let url = try deposer(t, "sollicitations.csv", Self.sollicitations)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 86_400 * 365)], ofItemAtPath: url.path)
        let b = try ExecutionMensuelle.executer(espace: t.espace, options: options(delai: 0.05))
        XCTAssertEqual(b.archives.map(\.fichier), ["sollicitations.csv"])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3)
    }

    /// Propositions imported before their requests were all rejected; once the requests are
    /// in, the same file dropped again is « already imported » (spec/cli.md), and the summary
    /// says how many rows it would now store and the command that takes them.
    func testUnFichierRedeposeQuiDonneraitPlusDeLignesLeDit() throws {
        let t = try EspaceDeTest()
        let p = try t.ecrire("propositions.csv", Self.propositions)
        let b1 = try t.importer([p])
        XCTAssertEqual(b1.fichiers[0].rejetees, 3)
        _ = try t.importer([try t.ecrire("sollicitations.csv", Self.sollicitations)])
        let b2 = try t.importer([p])
        XCTAssertTrue(b2.fichiers[0].dejaImporte)
        XCTAssertTrue(b2.notes.contains { $0.contains("3 lignes enregistrées de plus") && $0.contains("c360 importer --forcer FICHIER, avec ce fichier (« propositions.csv »") }, "\(b2.notes)")
        let b3 = try t.importer([p]) { $0.forcer = true }
        XCTAssertEqual(b3.fichiers[0].importees, 3)
    }
}
