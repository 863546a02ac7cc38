import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireExecution
@testable import ObservatoireImport
@testable import ObservatoireStore

/// The monthly run, mapping profiles and Excel input, end to end.
final class ExecutionTests: XCTestCase {
    static let racine = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let donnees = racine.appendingPathComponent("data")

    /// A workspace whose inbox holds canonical CSV, a mapped Excel tracker (saved by
    /// LibreOffice, merged header cells), a mapped CSV export, an unreadable file and a
    /// document that is not an export.
    func espaceAvecBoite() throws -> EspaceDeTest {
        let t = try EspaceDeTest()
        let fm = FileManager.default
        for p in ["fiche-saisine-62.yml", "si-regional.yml"] {
            try fm.copyItem(at: ExecutionTests.donnees.appendingPathComponent("profils/\(p)"), to: t.espace.dossierProfils.appendingPathComponent(p))
        }
        let boite = t.espace.dossierATraiter
        try fm.copyItem(at: ExecutionTests.donnees.appendingPathComponent("exemples/fiche-saisine-62/saisines-2025-T1.xlsx"),
                        to: boite.appendingPathComponent("saisines-2025-T1.xlsx"))
        for f in ["demandes-si-2025-03.csv", "propositions-si-2025-03.csv"] {
            try fm.copyItem(at: ExecutionTests.donnees.appendingPathComponent("exemples/si-regional/\(f)"), to: boite.appendingPathComponent(f))
        }
        for f in ["acteurs.csv", "equipe.csv", "membres_coeur.csv"] {
            try fm.copyItem(at: IndicateursTests.dossierFixture.appendingPathComponent(f), to: boite.appendingPathComponent(f))
        }
        try Data("id;date\n1;2\n".utf8).write(to: boite.appendingPathComponent("sollicitations-casse.csv"))
        try Data("compte rendu".utf8).write(to: boite.appendingPathComponent("compte-rendu-COTER.docx"))
        return t
    }

    func options() -> OptionsExecution {
        var o = OptionsExecution(aujourdhui: Jour(annee: 2025, mois: 6, jour: 30)!, mois: Jour(annee: 2025, mois: 5, jour: 1))
        o.delaiStabilite = 0
        return o
    }

    /// Every file of the workspace but the logs, with its content: two equal snapshots mean
    /// nothing changed.
    func arborescence(_ t: EspaceDeTest) throws -> [String: Data] {
        var r: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: t.dossier, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let u as URL in e where (try? u.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let chemin = u.path.replacingOccurrences(of: t.dossier.path, with: "")
            if chemin.hasPrefix("/journaux/") || chemin.hasSuffix(".verrou") { continue }
            r[chemin] = try Data(contentsOf: u)
        }
        return r
    }

    func testExecutionMensuelleDeBoutEnBout() throws {
        let t = try espaceAvecBoite()
        let bilan = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        let i = try XCTUnwrap(bilan.importation)
        let parNom = Dictionary(uniqueKeysWithValues: i.fichiers.map { ($0.fichier, $0) })
        XCTAssertEqual(parNom["saisines-2025-T1.xlsx"]?.importees, 40, "tableur Excel via le profil fiche-saisine-62")
        XCTAssertEqual(parNom["saisines-2025-T1.xlsx"]?.profil, "fiche-saisine-62")
        XCTAssertEqual(parNom["demandes-si-2025-03.csv"]?.importees, 60)
        XCTAssertEqual(parNom["propositions-si-2025-03.csv"]?.rejetees, 0)
        XCTAssertEqual(parNom["propositions-si-2025-03.csv"]?.profil, "si-regional")
        XCTAssertNotNil(parNom["sollicitations-casse.csv"]?.erreur)
        XCTAssertEqual(bilan.code, .donneesIllisibles)

        // The inbox is empty; files are archived by month of the run, with their hash.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.espace.dossierATraiter.path), [])
        let archive = t.espace.dossierArchives.appendingPathComponent("2025-06")
        let archives = Set(try FileManager.default.contentsOfDirectory(atPath: archive.path))
        XCTAssertTrue(archives.isSuperset(of: ["saisines-2025-T1.xlsx", "saisines-2025-T1.xlsx.sha256", "acteurs.csv", "demandes-si-2025-03.csv"]))
        let empreinte = try String(contentsOf: archive.appendingPathComponent("acteurs.csv.sha256"), encoding: .utf8)
        XCTAssertEqual(empreinte.count, 64 + 2 + "acteurs.csv".count + 1)
        // Unreadable and unknown files go to errors, each with a French note.
        let erreurs = Set(try FileManager.default.contentsOfDirectory(atPath: t.espace.dossierErreurs.path))
        XCTAssertEqual(erreurs, ["sollicitations-casse.csv", "sollicitations-casse.csv.txt", "compte-rendu-COTER.docx", "compte-rendu-COTER.docx.txt"])
        let note = try String(contentsOf: t.espace.dossierErreurs.appendingPathComponent("sollicitations-casse.csv.txt"), encoding: .utf8)
        XCTAssertTrue(note.contains("Pourquoi") && note.contains("Que faire") && note.contains("date_sollicitation"))
        // Reports of the year and the dashboard.
        let rapports = Set(try FileManager.default.contentsOfDirectory(atPath: t.espace.dossierRapports.path))
        for f in ["rapport-activite-c360-de-test-2025.xlsx", "rapport-activite-c360-de-test-2025.html",
                  "rapport-activite-c360-de-test-2025-externe.xlsx", "rapport-activite-c360-de-test-2025-externe.html",
                  "tableau-de-bord-c360-de-test.html"] {
            XCTAssertTrue(rapports.contains(f), f)
        }
        let tableau = try String(contentsOf: t.espace.dossierRapports.appendingPathComponent("tableau-de-bord-c360-de-test.html"), encoding: .utf8)
        XCTAssertTrue(tableau.contains("mai 2025"), "le tableau de bord va jusqu'au mois traité")
        XCTAssertNotNil(bilan.journal)
        XCTAssertTrue(bilan.resume.contains("archivés") && bilan.resume.contains("erreurs"))

        // A second run changes nothing.
        let avant = try arborescence(t)
        let base = try t.instantane()
        let encore = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(encore.code, .succes)
        XCTAssertTrue(encore.rapportsAJour)
        XCTAssertEqual(try arborescence(t), avant)
        XCTAssertEqual(try t.instantane(), base)

        // The same file dropped again is recognised; the archive already holds its bytes: no
        // second copy, and the inbox is empty.
        try FileManager.default.copyItem(at: archive.appendingPathComponent("acteurs.csv"), to: t.espace.dossierATraiter.appendingPathComponent("acteurs.csv"))
        let troisieme = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(troisieme.importation?.fichiers.first?.dejaImporte, true)
        XCTAssertEqual(try t.instantane(), base)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: archive.path).contains { $0.hasPrefix("acteurs-") && $0.hasSuffix(".csv") })
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.espace.dossierATraiter.appendingPathComponent("acteurs.csv").path))
    }

    func testABlancNeChangeRien() throws {
        let t = try espaceAvecBoite()
        let avant = try arborescence(t)
        var o = options()
        o.aBlanc = true
        let bilan = try ExecutionMensuelle.executer(espace: t.espace, options: o)
        // A5 enters the directory in January 2026: in the future on 30/06/2025, rejected.
        XCTAssertEqual(bilan.importation?.totalImportees, 40 + 60 + 16 + 5 + 4 + 4)
        XCTAssertEqual(bilan.importation?.totalRejetees, 1)
        XCTAssertEqual(bilan.erreurs.count, 2)
        XCTAssertTrue(bilan.resume.contains("à blanc"))
        XCTAssertEqual(try arborescence(t), avant, "ni base, ni fichier déplacé, ni rapport")
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.espace.baseDeDonnees.path))
    }

    func testUneSecondeExecutionPendantLaPremiereSortAvec75() throws {
        let t = try espaceAvecBoite()
        let verrou = try Verrou.prendre(t.espace)
        let r = try Binaire.lancer(["executer", "--dossier", t.dossier.path])
        XCTAssertEqual(r.code, 75, r.erreur)
        XCTAssertTrue(r.erreur.contains("Une autre exécution"), r.erreur)
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.espace.baseDeDonnees.path), "rien n'a été fait")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.espace.dossierATraiter.path).count, 8)
        verrou.liberer()
        // The lock file left with a previous owner (a crash) is taken over.
        try Data("processus 999999, démarré le 2025-06-01T00:00:00Z".utf8).write(to: t.espace.fichierVerrou)
        let apres = try Binaire.lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-05"], environnement: ["C360_AUJOURDHUI": "2025-06-30"])
        XCTAssertEqual(apres.code, 65, apres.erreur)
        XCTAssertTrue(apres.sortie.contains("Exécution mensuelle pour mai 2025"), apres.sortie)
        let journaux = try FileManager.default.contentsOfDirectory(at: t.espace.dossierJournaux, includingPropertiesForKeys: nil)
        let journal = try String(contentsOf: try XCTUnwrap(journaux.first), encoding: .utf8)
        XCTAssertTrue(journal.contains("verrou d'une exécution interrompue repris"), journal)
        var s = stat()
        XCTAssertEqual(stat(journaux[0].path, &s), 0)
        XCTAssertEqual(s.st_mode & 0o777, 0o600, "journal en mode 0600")
    }

    /// A run killed while filing a file (after its checksum, before the move: a deterministic
    /// point) leaves the file in the inbox and no archived file without its checksum; the next
    /// run files it, and every archived file has the checksum of its bytes.
    func testUnArretPendantLArchivageNeLaissePasDeFichierSansSomme() throws {
        let t = try espaceAvecBoite()
        let env = ["C360_AUJOURDHUI": "2025-06-30"]
        let tue = try Binaire.lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-05"],
                                     environnement: env.merging(["C360_TEST_ARRET_ARCHIVAGE": "1"]) { $1 })
        XCTAssertFalse([0, 2, 3, 65].contains(tue.code), "tué pendant l'archivage : \(tue.code)")
        func archives() throws -> [URL] {
            guard let e = FileManager.default.enumerator(at: t.espace.dossierArchives, includingPropertiesForKeys: nil) else { return [] }
            return e.compactMap { $0 as? URL }.filter { !$0.hasDirectoryPath && !$0.lastPathComponent.hasPrefix(".") }
        }
        let avant = try archives()
        XCTAssertTrue(avant.contains { $0.pathExtension == "sha256" }, "la somme est écrite avant le déplacement")
        for f in avant where f.pathExtension != "sha256" {
            XCTAssertTrue(FileManager.default.fileExists(atPath: f.path + ".sha256"), "\(f.lastPathComponent) archivé sans sa somme")
        }
        let relance = try Binaire.lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-05"], environnement: env)
        XCTAssertTrue([0, 3, 65].contains(relance.code), relance.erreur)
        let apres = try archives()
        let fichiers = apres.filter { $0.pathExtension != "sha256" }
        XCTAssertFalse(fichiers.isEmpty)
        for f in fichiers {
            let somme = try String(contentsOf: URL(fileURLWithPath: f.path + ".sha256"), encoding: .utf8)
            XCTAssertEqual(somme, "\(Empreinte.sha256(try Data(contentsOf: f)))  \(f.lastPathComponent)\n", f.lastPathComponent)
        }
        for s in apres where s.pathExtension == "sha256" {
            XCTAssertTrue(FileManager.default.fileExists(atPath: s.deletingPathExtension().path), "somme orpheline \(s.lastPathComponent)")
        }
    }

    func testLectureAttendLaFinDUnImport() throws {
        let t = try EspaceDeTest()
        _ = try t.importer([IndicateursTests.dossierFixture])
        let ecriture = try Verrou.prendre(t.espace)
        let r = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025"])
        XCTAssertEqual(r.code, 75, r.erreur)
        XCTAssertTrue(r.erreur.contains("Un import est en cours"), r.erreur)
        ecriture.liberer()
        // Several readers together are fine; a writer waits for them (75).
        let lecture = try Verrou.prendrePartage(t.espace)
        XCTAssertEqual(try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025", "--format", "json"]).code, 0)
        XCTAssertThrowsError(try Verrou.prendre(t.espace)) { XCTAssertEqual(($0 as? ErreurObservatoire)?.code, .verrouille) }
        lecture.liberer()
        XCTAssertNoThrow(try Verrou.prendre(t.espace).liberer())
    }

    // MARK: - Profiles and Excel input

    func testProfilColonneManquanteListeLesColonnesEtLesPlusProches() throws {
        let t = try EspaceDeTest()
        let profil = try ProfilCorrespondance.analyser("""
            nom: essai
            tables:
              sollicitations:
                colonnes: { "Date de reception": date_sollicitation, "N dossier": id_sollicitation }
            """, fichier: "essai.yml", nomParDefaut: "essai")
        let url = try t.ecrire("saisies.csv", "N dossier;Date de réception;Ref personne;Profil\nA;2025-01-01;P;adulte_sh\n")
        let b = try t.importer([url]) { $0.profil = profil; $0.table = .sollicitations }
        let e = try XCTUnwrap(b.fichiers[0].erreur)
        XCTAssertTrue(e.raison.contains("« personne_id » (la plus proche dans le fichier : « Ref personne »)"), e.raison)
        XCTAssertTrue(e.raison.contains("Colonnes trouvées : « N dossier », « Date de réception »"), e.raison)
    }

    /// A broken profile in profils/ does not block the month: the canonical files and those
    /// of the other profiles are imported and archived, the broken profile is reported (code 2),
    /// and the files it was perhaps meant for, like a file two profiles recognise, wait in the
    /// inbox. The summary writes its counts in proper French.
    func testExecutionAvecUnProfilCasseEtDeuxProfilsPourUnFichier() throws {
        let t = try EspaceDeTest()
        let profils = t.espace.dossierProfils
        try CLITests.profilAppels.write(to: profils.appendingPathComponent("appels.yml"), atomically: true, encoding: .utf8)
        try CLITests.profilAppels.replacingOccurrences(of: "*appels*.csv", with: "*double*.csv")
            .write(to: profils.appendingPathComponent("double-a.yml"), atomically: true, encoding: .utf8)
        try CLITests.profilAppels.replacingOccurrences(of: "*appels*.csv", with: "*double*.csv")
            .write(to: profils.appendingPathComponent("double-b.yml"), atomically: true, encoding: .utf8)
        try "nom: casse\nsources:\n  s:\n    fichiers: [\"*tableau*\"]\n\ttables: {}\n".write(to: profils.appendingPathComponent("casse.yml"), atomically: true, encoding: .utf8)
        let boite = t.espace.dossierATraiter
        try Data(CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1"), CSV.sollicitation("S2", profil: "inconnu")]).utf8)
            .write(to: boite.appendingPathComponent("sollicitations.csv"))
        try Data("N°;Date;Personne\nA1;10/03/2025;P1\n".utf8).write(to: boite.appendingPathComponent("appels mars.csv"))
        try Data("N°;Date;Personne\nA2;10/03/2025;P2\n".utf8).write(to: boite.appendingPathComponent("double.csv"))
        try Data("N°;Date;Personne\nA3;10/03/2025;P3\n".utf8).write(to: boite.appendingPathComponent("tableau nord.csv"))

        let bilan = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertEqual(bilan.code, .usage, bilan.resume)
        XCTAssertEqual(bilan.profilsInvalides.map(\.url.lastPathComponent), ["casse.yml"])
        XCTAssertEqual(Set(bilan.archives.map(\.fichier)), ["sollicitations.csv", "appels mars.csv"], bilan.resume)
        XCTAssertEqual(Set(bilan.bloquesParLesProfils.map(\.fichier)), ["double.csv", "tableau nord.csv"], bilan.resume)
        XCTAssertTrue(bilan.erreurs.isEmpty, bilan.resume)
        for f in ["double.csv", "tableau nord.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: boite.appendingPathComponent(f).path), "\(f) reste dans a-traiter")
        }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        let r = bilan.resume
        XCTAssertTrue(r.contains("casse.yml") && r.contains("erreur de syntaxe YAML à la ligne 5, colonne 1"), r)
        XCTAssertTrue(r.contains("2 profils reconnaissent son nom") && r.contains("« double-a »") && r.contains("« double-b »"), r)
        XCTAssertTrue(r.contains("3 lignes lues, 2 enregistrées, 1 rejetée") || r.contains("lignes lues, 2 enregistrées, 1 rejetée"), r)
        XCTAssertTrue(r.contains("1 ligne rejetée et 0 avertissement à corriger"), r)
        XCTAssertFalse(r.contains("(s)") || r.contains("1 rejetées"), r)

        // Once the profiles are fixed, the files left in the inbox are taken.
        try FileManager.default.removeItem(at: profils.appendingPathComponent("casse.yml"))
        try FileManager.default.removeItem(at: profils.appendingPathComponent("double-b.yml"))
        let ensuite = try ExecutionMensuelle.executer(espace: t.espace, options: options())
        XCTAssertTrue(ensuite.bloquesParLesProfils.isEmpty && ensuite.profilsInvalides.isEmpty, ensuite.resume)
        XCTAssertTrue(ensuite.archives.map(\.fichier).contains("double.csv"), ensuite.resume)
    }

    func testProfilInvalideNommeLaLigne() {
        XCTAssertThrowsError(try ProfilCorrespondance.analyser("nom: x\ntables:\n  sollicitations:\n    colonnes: { \"A\": profill }\n",
                                                               fichier: "x.yml", nomParDefaut: "x")) { e in
            let m = (e as? ErreurObservatoire)?.message ?? ""
            XCTAssertTrue(m.contains("x.yml, ligne 4") && m.contains("profill") && m.contains("profil"), m)
        }
        XCTAssertThrowsError(try ProfilCorrespondance.analyser("nom: x\ntables:\n  sollicitation:\n    fichiers: []\n",
                                                               fichier: "x.yml", nomParDefaut: "x")) { e in
            XCTAssertTrue("\(e)".contains("table « sollicitation » inconnue"), "\(e)")
        }
    }

    func testLeLecteurXLSXSurUnFichierEnregistreParLibreOffice() throws {
        let url = ExecutionTests.donnees.appendingPathComponent("exemples/fiche-saisine-62/saisines-2025-T1.xlsx")
        let brut = try String(decoding: Data(contentsOf: url).prefix(4), as: UTF8.self)
        XCTAssertEqual(brut.prefix(2), "PK")
        let l = try LecteurXLSX(url: url, feuille: "Saisines", autresNoms: ["N° dossier", "Date de réception", "Réf. personne"])
        XCTAssertEqual(Array(l.entete.prefix(4)), ["N° dossier", "Date de réception", "Réf. personne", "Public concerné"],
                       "les cellules d'en-tête fusionnées vers le bas gardent leur nom")
        var lignes: [EnregistrementBrut] = []
        try l.parcourir { lignes.append($0) }
        XCTAssertEqual(lignes.count, 40)
        XCTAssertEqual(lignes[0].ligne, 4)
        XCTAssertNotNil(Double(lignes[0].champs[1]), "date Excel native (numéro de série)")
    }

    func testClasseursRefusesClairement() throws {
        let t = try EspaceDeTest()
        let xls = try t.ecrire("sollicitations.xls", octets: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 100))
        let faux = try t.ecrire("sollicitations-faux.xlsx", octets: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 100))
        var vrai = try Data(contentsOf: ExecutionTests.donnees.appendingPathComponent("exemples/fiche-saisine-62/saisines-2025-T1.xlsx"))
        let tronque = try t.ecrire("sollicitations-tronque.xlsx", octets: Array(vrai.prefix(vrai.count / 2)))
        vrai.replaceSubrange(2000..<2400, with: [UInt8](repeating: 0x41, count: 400))
        let abime = try t.ecrire("sollicitations-abime.xlsx", octets: Array(vrai))
        let b = try t.importer([xls, faux, tronque, abime])
        for f in b.fichiers {
            let e = try XCTUnwrap(f.erreur, f.fichier)
            XCTAssertTrue(e.conseil.contains(".xlsx") || e.conseil.contains("CSV"), "\(f.fichier) : \(e)")
        }
        XCTAssertTrue(b.fichiers.first { $0.fichier == "sollicitations.xls" }?.erreur?.raison.contains("97-2003") == true)
        XCTAssertEqual(b.code, .donneesIllisibles)
    }
}
