import Foundation
import GRDB
import XCTest
import ZIPFoundation
@testable import ObservatoireCore
@testable import ObservatoireDemo
@testable import ObservatoireExecution
@testable import ObservatoireImport
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// Reliability and security: crashes, full disks, hostile files, concurrent runs, leaks,
/// injection. `make robustesse` runs these with more iterations (C360_ITERATIONS).
final class RobustesseTests: XCTestCase {
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["C360_ITERATIONS"] ?? "") ?? 1 }

    var espaceCourant: EspaceDeTest?

    /// A fingerprint of the stored data: counts and a hash of the identifiers of every table.
    func etat(_ url: URL) throws -> String {
        let q = try DatabaseQueue(path: url.path)
        return try q.read { db in
            let integrite = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "?"
            var s = "integrite=\(integrite)"
            for (t, cle) in [("imports", "empreinte"), ("rejets", "ligne"), ("acteurs", "acteur_id"), ("equipe", "poste_id"),
                             ("membres_coeur", "membre"), ("sollicitations", "id_sollicitation"), ("sollicitation_problematiques", "problematique"),
                             ("propositions", "id_proposition")] {
                let r = try Row.fetchOne(db, sql: "SELECT count(*), total(length(\(cle))), total(unicode(\(cle))) FROM \(t)")!
                s += " \(t)=\(r[0] as Int)/\(r[1] as Double)/\(r[2] as Double)"
            }
            return s
        }
    }

    // MARK: - 1. Crash safety

    func testImportTueParSIGKILLLaBaseResteAvantOuApres() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        var o = OptionsDemo(aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!)
        o.sollicitations = 4_000
        o.du = Jour(annee: 2025, mois: 1, jour: 1)!
        o.au = Jour(annee: 2025, mois: 12, jour: 31)!
        let exports = t.dossier.appendingPathComponent("exports")
        let generation = try GenerateurDemo.generer(dans: exports, options: o)
        // State A: the directory only.
        _ = try t.importer([exports.appendingPathComponent("acteurs.csv")])
        let base = t.espace.baseDeDonnees
        let copieA = t.dossier.appendingPathComponent("a.sqlite")
        try FileManager.default.copyItem(at: base, to: copieA)
        let etatA = try etat(base)
        XCTAssertTrue(etatA.hasPrefix("integrite=ok"))
        let reste = generation.fichiers.filter { $0.lastPathComponent != "acteurs.csv" }.map(\.path)
        // The complete import: state B.
        XCTAssertEqual(try Binaire.lancer(["importer", "--dossier", t.dossier.path] + reste).code, 3)
        let etatB = try etat(base)
        XCTAssertNotEqual(etatB, etatA)
        // The importer stops dead (SIGKILL on itself) after storing its N-th batch of rows, or
        // just before the commit: deterministic points, whatever the machine's load.
        var points: [[String: String]] = (1...(20 * RobustesseTests.iterations)).map { ["C360_TEST_ARRET_APRES_LOT": "\($0)"] }
        points.append(["C360_TEST_ARRET_AVANT_VALIDATION": "1"])
        var importsArretes = 0
        for env in points {
            try FileManager.default.removeItem(at: base)
            try FileManager.default.copyItem(at: copieA, to: base)
            let r = try Binaire.lancer(["importer", "--dossier", t.dossier.path] + reste, environnement: env)
            let e = try etat(base)
            XCTAssertTrue(e.hasPrefix("integrite=ok"), e)
            if r.code == 3 {
                // The point lies beyond the last batch: the import completed.
                XCTAssertEqual(e, etatB, "\(env)")
            } else {
                importsArretes += 1
                XCTAssertEqual(e, etatA, "tué en cours de route (\(env)) : la base doit être restée avant l'import, jamais un mélange")
            }
        }
        XCTAssertGreaterThanOrEqual(importsArretes, 10, "l'import de 4 000 sollicitations passe par plus de dix lots")
        print("Arrêts brutaux : \(importsArretes) imports tués sur \(points.count) points d'arrêt, intégrité vérifiée après chacun, jamais d'état mélangé.")
        try FileManager.default.removeItem(at: base)
        try FileManager.default.copyItem(at: copieA, to: base)
        // The next import completes normally.
        let r = try Binaire.lancer(["importer", "--dossier", t.dossier.path] + reste)
        XCTAssertEqual(r.code, 3, r.erreur)
        let fin = try etat(base)
        XCTAssertTrue(fin.hasPrefix("integrite=ok"))
        XCTAssertEqual(fin, etatB)
        XCTAssertTrue(try t.compter("SELECT count(*) FROM sollicitations") > 3_900)
    }

    // MARK: - 2. Full disk and unwritable places

    func testDisquePleinRienNEstEnregistre() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        _ = try t.importer([try t.ecrire("acteurs.csv", "acteur_id;nom;categorie;membre_coeur;partenaire;date_referencement\nA1;MDPH;specialise;oui;oui;2020-01-01\n")])
        let avant = try t.instantane()
        let lignes = (1...3_000).map { CSV.sollicitation(String(format: "S%05d", $0), personne: "P\($0)") }
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, lignes))
        let base = try t.base()
        let pages = try base.file.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count")! }
        try base.file.inDatabase { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 3)") }
        var o = OptionsImport()
        o.aujourdhui = Jour(annee: 2026, mois: 1, jour: 15)!
        XCTAssertThrowsError(try Importeur(espace: t.espace, base: base).importer([url], options: o)) { e in
            let erreur = e as? ErreurObservatoire
            XCTAssertEqual(erreur?.code, .ecritureImpossible, "\(e)")
            XCTAssertTrue(erreur?.message.contains("disque est plein") == true, "\(e)")
            XCTAssertTrue(erreur?.message.contains("état précédent") == true, "\(e)")
        }
        XCTAssertEqual(try t.instantane(), avant)
    }

    func testBaseEnLectureSeuleEtSortieImpossible() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        _ = try t.importer([IndicateursTests.dossierFixture])
        let avant = try t.instantane()
        let lecture = try Base.ouvrir(t.espace.baseDeDonnees, creer: false, lectureSeule: true)
        let url = try t.ecrire("sollicitations-2.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("Z1")]))
        var o = OptionsImport()
        o.aujourdhui = Jour(annee: 2026, mois: 1, jour: 15)!
        XCTAssertThrowsError(try Importeur(espace: t.espace, base: lecture).importer([url], options: o)) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .ecritureImpossible, "\(e)")
        }
        XCTAssertEqual(try t.instantane(), avant)
        for commande in [["rapport", "--annee", "2025", "--sortie", "/proc/c360-interdit"], ["tableau-de-bord", "--sortie", "/proc/c360-interdit"]] {
            let r = try Binaire.lancer(commande + ["--dossier", t.dossier.path])
            XCTAssertEqual(r.code, 73, r.erreur)
            XCTAssertTrue(r.erreur.contains("Impossible d'écrire") || r.erreur.contains("écriture"), r.erreur)
        }
        XCTAssertEqual(try t.instantane(), avant)
    }

    // MARK: - 3. Hostile and broken input

    /// Imports one hostile file and checks the invariants: refused as a whole, or every row
    /// read stored or rejected; the database is sound.
    func verifier(_ t: EspaceDeTest, _ nom: String, _ octets: [UInt8], table: TableCanonique? = .sollicitations) throws -> BilanFichier {
        let url = try t.ecrire(nom, octets: octets)
        let b = try t.importer([url]) { $0.table = table }
        let f = b.fichiers[0]
        if f.erreur == nil { XCTAssertEqual(f.lues, f.importees + f.rejetees, nom) }
        return f
    }

    func testFuzzCSVGraineFixe() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        let modele = Array(CSV.fichier(CSV.enteteSollicitations, (1...30).map { CSV.sollicitation("S\($0)", problematiques: "emploi|logement_habitat") }).utf8)
        var g = Aleatoire(graine: 2026)
        let cas = 200 * RobustesseTests.iterations
        var refuses = 0, rejets = 0
        for i in 0..<cas {
            var o: [UInt8]
            switch i % 4 {
            case 0: o = (0..<g.entier(4_000)).map { _ in UInt8(truncatingIfNeeded: g.next()) }          // random bytes
            case 1:                                                                                      // bit flips
                o = modele
                for _ in 0..<(1 + g.entier(20)) { let k = g.entier(o.count); o[k] ^= UInt8(1 << g.entier(8)) }
            case 2:                                                                                      // structural bytes inserted
                o = modele
                for _ in 0..<(1 + g.entier(10)) { o.insert([34, 59, 10, 13, 0, 0xFF, 0xC3][g.entier(7)], at: g.entier(o.count)) }
            default: o = Array(modele.prefix(g.entier(modele.count)))                                   // truncated
            }
            let f = try verifier(t, "fuzz-\(i).csv", o)
            if f.erreur != nil { refuses += 1 }
            rejets += f.rejetees
        }
        XCTAssertEqual(try t.base().file.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
        XCTAssertGreaterThan(refuses, 0)
        XCTAssertGreaterThan(rejets, 0)
        print("Fuzz CSV : \(cas) cas, \(refuses) fichiers refusés, \(rejets) lignes rejetées, aucun plantage.")
    }

    func testCasHostilesNommes() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        let entete = Array((CSV.enteteSollicitations + "\n").utf8)
        let ligne = Array((CSV.sollicitation("S1") + "\n").utf8)
        // Zero-length, a NUL byte, a 10 MB field, 10 000 columns, an unbalanced quote, mixed encodings.
        XCTAssertNotNil(try verifier(t, "vide.csv", []).erreur)
        XCTAssertEqual(try verifier(t, "nul.csv", entete + Array("S2;2025-03-10;P\0;adulte_sh\n".utf8)).motifs["encodage_invalide"], 1)
        let gros = try verifier(t, "gros.csv", entete + Array("S3;2025-03-10;P1;".utf8) + [UInt8](repeating: 65, count: 10_000_000) + [10] + ligne)
        XCTAssertEqual(gros.motifs["champ_trop_long"], 1)
        XCTAssertEqual(gros.importees, 1, "la ligne après le champ géant est lue")
        let colonnes = try verifier(t, "colonnes.csv", Array((Array(repeating: "c", count: 10_000).joined(separator: ";") + "\n1;2\n").utf8), table: nil)
        XCTAssertNotNil(colonnes.erreur, "10 000 colonnes : en-tête refusé")
        // An unbalanced quote before another line: read as an ordinary character (the line after
        // it is not swallowed); the short row it starts is rejected.
        let guillemet = try verifier(t, "guillemet.csv", entete + Array("\"S4;2025-03-10\n".utf8) + ligne)
        XCTAssertEqual(guillemet.lues, 2, "la ligne suivante n'est pas avalée")
        XCTAssertEqual(guillemet.rejetees, 1)
        XCTAssertEqual(try verifier(t, "guillemet-fin.csv", entete + Array("S7;\"2025-03-10".utf8)).motifs["ligne_malformee"], 1,
                       "un guillemet jamais fermé sur la dernière ligne")
        let melange = try verifier(t, "melange.csv", entete + Array((CSV.sollicitation("S5", territoire: "Liévin") + "\n").utf8)
                                   + Array("S6;2025-03-10;P1;adulte_sh;information;;demande;non;;Li".utf8) + [0xE9] + Array("vin;62;;;;;\n".utf8))
        XCTAssertEqual(melange.importees, 1)
        XCTAssertEqual(melange.motifs["encodage_invalide"], 1)
    }

    func classeur(_ url: URL, feuille: String, dtd: Bool = false) throws {
        let archive = try Archive(url: url, accessMode: .create)
        func ajouter(_ chemin: String, _ texte: String) throws {
            let d = Data(texte.utf8)
            try archive.addEntry(with: chemin, type: .file, uncompressedSize: Int64(d.count), compressionMethod: .deflate) { p, n in
                d.subdata(in: Int(p)..<Int(p) + n)
            }
        }
        try ajouter("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
        try ajouter("xl/workbook.xml", "<workbook xmlns:r=\"r\"><sheets><sheet name=\"F\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")
        try ajouter("xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>")
        try ajouter("xl/worksheets/sheet1.xml", feuille)
    }

    func testClasseursHostiles() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        let dossier = t.dossier.appendingPathComponent("entree")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        // XML entity expansion ("billion laughs"): the DTD is refused outright.
        let rires = dossier.appendingPathComponent("sollicitations-rires.xlsx")
        try classeur(rires, feuille: """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>
            """)
        // A zip bomb: 60 MB of the same byte inflated from a few kilobytes.
        let bombe = dossier.appendingPathComponent("sollicitations-bombe.xlsx")
        try classeur(bombe, feuille: "<worksheet><sheetData>" + String(repeating: "<row r=\"1\"></row>", count: 3_500_000) + "</sheetData></worksheet>")
        let b = try t.importer([rires, bombe])
        let parNom = Dictionary(uniqueKeysWithValues: b.fichiers.map { ($0.fichier, $0) })
        XCTAssertTrue(parNom["sollicitations-rires.xlsx"]?.erreur?.raison.contains("DTD") == true, "\(String(describing: parNom["sollicitations-rires.xlsx"]?.erreur))")
        XCTAssertTrue(parNom["sollicitations-bombe.xlsx"]?.erreur?.raison.contains("démesurée") == true, "\(String(describing: parNom["sollicitations-bombe.xlsx"]?.erreur))")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0)
    }

    // MARK: - 4. Concurrency

    func testDeuxExecutionsEtUnImportEnMemeTemps() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        var o = OptionsDemo(aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!)
        o.sollicitations = 3_000
        o.du = Jour(annee: 2025, mois: 1, jour: 1)!
        o.au = Jour(annee: 2025, mois: 12, jour: 31)!
        _ = try GenerateurDemo.generer(dans: t.espace.dossierATraiter, options: o)
        let autre = t.dossier.appendingPathComponent("autre")
        _ = try GenerateurDemo.generer(dans: autre, options: o)
        let commandes = [["executer", "--dossier", t.dossier.path, "--mois", "2025-12"],
                         ["executer", "--dossier", t.dossier.path, "--mois", "2025-12"],
                         ["importer", "--dossier", t.dossier.path, autre.path]]
        var processus: [Process] = []
        for c in commandes {
            let p = Process()
            p.executableURL = Binaire.url
            p.arguments = c
            var env = ProcessInfo.processInfo.environment
            env["C360_AUJOURDHUI"] = "2026-01-15"
            env["C360_DELAI_STABILITE"] = "0"
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            processus.append(p)
        }
        for p in processus { try p.run() }
        for p in processus { p.waitUntilExit() }
        let codes = processus.map(\.terminationStatus)
        XCTAssertTrue(codes.allSatisfy { [0, 3, 75].contains($0) }, "\(codes)")
        XCTAssertTrue(codes.contains(75), "une exécution au moins a trouvé l'espace occupé : \(codes)")
        XCTAssertTrue(try etat(t.espace.baseDeDonnees).hasPrefix("integrite=ok"))
        // Each content is imported once; the files the busy runs left are taken by the next run.
        _ = try Binaire.lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-12"])
        _ = try Binaire.lancer(["importer", "--dossier", t.dossier.path, autre.path])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM imports"), 5, "cinq fichiers, chacun importé une fois")
        XCTAssertEqual(try t.compter("SELECT count(DISTINCT empreinte) FROM imports"), 5)
    }

    // MARK: - 5. Privacy

    func testDonneesPersonnellesNulleParthors() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        let secrets = ["Quintinvaldo", "06 98 76 54 32", "hospitalisée en psychiatrie", "DOSSIER-SECRET-77"]
        let entete = CSV.enteteSollicitations + ";nom_usager;telephone;notes"
        try Data(CSV.fichier(entete, [
            CSV.sollicitation("S1", date: "2025-03-10", personne: "DOSSIER-SECRET-77") + ";Mme Quintinvaldo;06 98 76 54 32;hospitalisée en psychiatrie",
            CSV.sollicitation("S2", date: "2025-03-11", personne: "DOSSIER-SECRET-77", profil: "inconnu") + ";Mme Quintinvaldo;06 98 76 54 32;hospitalisée en psychiatrie",
        ]).utf8).write(to: t.espace.dossierATraiter.appendingPathComponent("sollicitations.csv"))
        // The same in a workbook, through a mapping profile.
        let c = try ClasseurXLSX(chemin: t.espace.dossierATraiter.appendingPathComponent("saisines.xlsx").path)
        let f = try c.feuille("Saisines")
        for (i, e) in ["N° dossier", "Date de réception", "Réf. personne", "Public concerné", "Nature de la demande", "Motif de la demande",
                       "Repérage aller-vers (O/N)", "Accompagnement (O/N)", "Secteur", "Observations"].enumerated() { try f.texte(0, i, e) }
        for (i, v) in ["FS1", "12/03/2025", "DOSSIER-SECRET-77", "Adulte", "Info", "", "N", "N", "Arrageois", "Mme Quintinvaldo, 06 98 76 54 32"].enumerated() {
            try f.texte(1, i, v)
        }
        try c.fermer()
        try FileManager.default.copyItem(at: ExecutionTests.donnees.appendingPathComponent("profils/fiche-saisine-62.yml"),
                                         to: t.espace.dossierProfils.appendingPathComponent("fiche-saisine-62.yml"))
        var options = OptionsExecution(aujourdhui: Jour(annee: 2025, mois: 6, jour: 30)!)
        options.delaiStabilite = 0
        let bilan = try ExecutionMensuelle.executer(espace: t.espace, options: options)
        XCTAssertEqual(bilan.importation?.totalImportees, 2)
        XCTAssertEqual(bilan.importation?.totalRejetees, 1)
        // Database, logs, reports: nowhere. (The archives keep the original exports, as they came.)
        for dossier in [t.espace.baseDeDonnees.deletingLastPathComponent(), t.espace.dossierJournaux, t.espace.dossierRapports] {
            let e = FileManager.default.enumerator(at: dossier, includingPropertiesForKeys: nil)!
            var lus = 0
            for case let u as URL in e {
                guard let d = try? Data(contentsOf: u) else { continue }
                lus += 1
                var contenu = d
                if u.pathExtension == "xlsx", let a = try? Archive(data: d, accessMode: .read) {
                    contenu = Data()
                    for entree in a { _ = try? a.extract(entree) { contenu.append($0) } }
                }
                for s in secrets {
                    XCTAssertNil(contenu.range(of: Data(s.utf8)), "« \(s) » trouvé dans \(u.path)")
                }
            }
            XCTAssertGreaterThan(lus, 0, dossier.path)
        }
        for fichier in [t.espace.baseDeDonnees, t.espace.fichierCle] {
            var s = stat()
            XCTAssertEqual(stat(fichier.path, &s), 0)
            XCTAssertEqual(s.st_mode & 0o777, 0o600, fichier.path)
        }
    }

    // MARK: - 6. Injection

    func testTexteAvecGuillemetsEtPointsVirgulesResteDuTexte() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        let piege = "x'); DROP TABLE sollicitations; --"
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("\"\(piege.replacingOccurrences(of: "\"", with: "\"\""))\"", personne: "\"a'b;c\"", territoire: "\"Terr'itoire; DELETE FROM imports\""),
        ]))
        let b = try t.importer([url])
        XCTAssertEqual(b.fichiers[0].importees, 1, "\(b.fichiers[0].exemples)")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = '\(piege.replacingOccurrences(of: "'", with: "''"))'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Terr''itoire; DELETE FROM imports'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM imports"), 1)
    }

    func testNomAvecCheminNEcritPasAilleurs() throws {
        XCTAssertEqual(NomDeFichier.sur("../../etc/passwd"), "etc-passwd")
        XCTAssertEqual(NomDeFichier.sur("/"), "c360")
        XCTAssertEqual(NomDeFichier.rapport(nom: "../Communauté « 360 »/..", annee: 2025, diffusion: .externe, extension: "xlsx"),
                       "rapport-activite-communaute-360-2025-externe.xlsx")
        XCTAssertFalse(NomDeFichier.rapport(nom: "a/../../b", annee: 2025, diffusion: .interne, extension: "html").contains("/"))
    }
}
