import Foundation
import GRDB
import XCTest
import ZIPFoundation
@testable import ObservatoireCore
@testable import ObservatoireExecution
@testable import ObservatoireImport
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// The commands around real trackers, run as a coordinator would: `rejets`, `profil essayer`,
/// `modele-suivi`, the monthly run on a tracker re-exported whole, and the crash safety of a
/// snapshot import stopped at deterministic points.
final class SuiviCommandesTests: XCTestCase {
    func espace() throws -> EspaceDeTest {
        let t = try EspaceDeTest()
        try FileManager.default.copyItem(at: SuiviTests.profil, to: t.espace.dossierProfils.appendingPathComponent("suivi-appels.yml"))
        return t
    }

    func exemple(_ nom: String) -> String { SuiviTests.exemples.appendingPathComponent(nom).path }

    func testRejetsListeLEtatActuelEnClasseurEtEnCSV() throws {
        let t = try espace()
        XCTAssertEqual(try Binaire.lancer(["importer", "--dossier", t.dossier.path, exemple("suivi-appels-2025.xlsx")]).code, 3)
        XCTAssertEqual(try Binaire.lancer(["importer", "--dossier", t.dossier.path, exemple("suivi-appels-2025-reexport.xlsx")]).code, 3)
        let csv = t.dossier.appendingPathComponent("a-corriger.csv")
        let r = try Binaire.lancer(["rejets", "--dossier", t.dossier.path, "--format", "csv", "--sortie", csv.path])
        XCTAssertEqual(r.code, 3, "il reste des lignes rejetées : \(r.erreur)")
        XCTAssertTrue(r.sortie.contains("4 lignes rejetées") && r.sortie.contains("1 avertissement"), r.sortie)
        let attributs = try FileManager.default.attributesOfItem(atPath: csv.path)
        XCTAssertEqual((attributs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let texte = try String(contentsOf: csv, encoding: .utf8)
        let lignes = texte.split(separator: "\r\n")
        XCTAssertEqual(lignes.count, 1 + 4 + 1, "en-tête, 4 rejets et 1 avertissement de l'état actuel (pas ceux de l'import remplacé)")
        XCTAssertEqual(Array(try Data(contentsOf: csv).prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 avec BOM, pour Excel")
        XCTAssertTrue(texte.contains("Type;Fichier;Table;Ligne;Colonne du tableur"), String(texte.prefix(80)))
        XCTAssertTrue(texte.contains("suivi-appels-2025-reexport.xlsx;sollicitations;13;Qui appelle ?;profil;Vo••••;"), texte)
        XCTAssertTrue(texte.contains("dans le profil de correspondance"), texte)
        XCTAssertFalse(texte.contains("P-1"), "jamais l'identifiant d'une personne")
        // The workbook: one row per problem, read back by the tool's own reader.
        XCTAssertEqual(try Binaire.lancer(["rejets", "--dossier", t.dossier.path]).code, 3)
        let xlsx = t.espace.dossierRapports.appendingPathComponent("lignes-a-corriger.xlsx")
        let lecteur = try LecteurXLSX(url: xlsx, autresNoms: ExportRejets.entetes)
        XCTAssertEqual(lecteur.entete, ExportRejets.entetes)
        var n = 0
        try lecteur.parcourir { _ in n += 1 }
        XCTAssertEqual(n, 5)
    }

    func testProfilEssayerNEcritRienEtMontreLesProblemes() throws {
        let t = try espace()
        let r = try Binaire.lancer(["profil", "essayer", "--dossier", t.dossier.path, exemple("suivi-appels-2025.csv"),
                                    "--profil", "suivi-appels", "--lignes", "12"])
        XCTAssertEqual(r.code, 0, r.erreur)
        XCTAssertTrue(r.sortie.contains("■ sollicitations — source « appels »"), r.sortie)
        XCTAssertTrue(r.sortie.contains("profil                   ← « Qui appelle ? », traduite"), r.sortie)
        XCTAssertTrue(r.sortie.contains("✓ ligne 5 : id_sollicitation=A-001"), r.sortie)
        XCTAssertTrue(r.sortie.contains("! ligne 10"), "l'avertissement de A-006")
        XCTAssertTrue(r.sortie.contains("✗ ligne 15 : valeur_inconnue"), r.sortie)
        XCTAssertTrue(r.sortie.contains("id_proposition=A-001-2"), r.sortie)
        XCTAssertTrue(r.sortie.contains("(pseudonymisé)") && !r.sortie.contains("P-101"), "l'identifiant de la personne n'est jamais montré")
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.espace.baseDeDonnees.path), "rien n'est écrit")
        // A profile given by its path, outside any workspace.
        let r2 = try Binaire.lancer(["profil", "essayer", exemple("partenaires-c360.csv"), "--profil", SuiviTests.profil.path], dossier: t.dossier)
        XCTAssertEqual(r2.code, 0, r2.erreur)
        XCTAssertTrue(r2.sortie.contains("■ acteurs (annuaire) — source « partenaires »"), r2.sortie)
    }

    /// Values shown by `profil essayer` come from the file: a line break or an escape sequence
    /// in a cell is shown escaped, on the value's own line, never sent raw to the terminal.
    func testProfilEssayerMontreLesValeursSurUneLigne() throws {
        let t = try espace()
        var octets = try Data(contentsOf: URL(fileURLWithPath: exemple("suivi-appels-2025.csv")))
        let avant = Data("\nA-001;".utf8)
        let r0 = try XCTUnwrap(octets.range(of: avant))
        octets.replaceSubrange(r0, with: Data("\n\"A-001\nfaux ligne 99\u{1B}[31m\";".utf8))
        let fichier = t.dossier.appendingPathComponent("suivi-appels-2025.csv")
        try octets.write(to: fichier)
        let r = try Binaire.lancer(["profil", "essayer", "--dossier", t.dossier.path, fichier.path, "--profil", "suivi-appels", "--lignes", "12"])
        XCTAssertEqual(r.code, 0, r.erreur)
        XCTAssertTrue(r.sortie.contains("ligne 5 : id_sollicitation=A-001^Jfaux ligne 99^[[31m"), r.sortie)
        XCTAssertFalse(r.sortie.contains("\u{1B}"), "aucune séquence d'échappement brute")
        XCTAssertFalse(r.sortie.split(separator: "\n").contains { $0.hasPrefix("faux") }, "aucune ligne forgée")
        XCTAssertTrue(r.sortie.contains("ligne 10"), "les lignes suivantes gardent leur numéro de ligne Excel")
    }

    /// A filled ready-made tracker with the template's headers, labels as values (as the
    /// drop-downs give them): `sollicitations`, one proposition of 2025-0001 (to `acteur`),
    /// `acteurs`; `renommer` renames sheets, `sans` leaves some out.
    static func rempli(_ url: URL, sollicitations: [[String]], acteurs: [[String]] = [], acteur: String = "",
                       renommer: [String: String] = [:], sans: Set<String> = []) throws {
        let c = try ClasseurXLSX(chemin: url.path)
        _ = try c.feuille("Mode d'emploi")
        for (table, nom) in ModeleSuivi.feuilles where !sans.contains(nom) {
            let f = try c.feuille(renommer[nom] ?? nom)
            for (j, col) in table.colonnes.enumerated() { try f.texte(0, j, col.libelle) }
            let lignes: [[String]]
            switch table {
            case .sollicitations: lignes = sollicitations
            case .propositions: lignes = [["2025-0001-1", "2025-0001", "2025-03-12", "oui", "non", "oui", "Acceptée", "", acteur]]
            case .acteurs: lignes = acteurs
            default: lignes = []
            }
            for (i, l) in lignes.enumerated() { for (j, v) in l.enumerated() where !v.isEmpty { try f.texte(i + 1, j, v) } }
        }
        let m = try c.feuille(RegistreSuivi.feuilleMarque)
        try m.texte(0, 0, "format"); try m.texte(0, 1, "modele-suivi"); try m.texte(1, 0, "instantane"); try m.texte(1, 1, "oui")
        try c.fermer()
    }

    static func sollicitation(_ id: String, _ profil: String) -> [String] {
        [id, "10/03/2025", "D-\(id)", profil, "Recherche de solution", "emploi", "Demande entrante", "oui", "Avec la personne", "Arrageois",
         "", "Numéro vert 0 800 360 360", "2", "non", "Plus de 21 ans", ""]
    }

    /// The second regression review: a ready-made tracker whose two partners' codes were all
    /// renamed has its partners' sheet refused (no code in common with the directory it
    /// stored); its calls wait, and say they wait for this same workbook — not for a file
    /// « not read » —, and the summary counts one refused file.
    func testUnClasseurDontLaFeuilleDesActeursEstRefuseeLeDit() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        func acteur(_ code: String) -> [String] { [code, "Partenaire \(code)", "droit_commun", "non", "oui", "01/01/2025", ""] }
        let demandes = [Self.sollicitation("2025-0001", "Aidant")]
        let v1 = t.dossier.appendingPathComponent("suivi-p.xlsx")
        try Self.rempli(v1, sollicitations: demandes, acteurs: [acteur("A1"), acteur("A2")], acteur: "A1")
        let b1 = try t.importer([v1])
        XCTAssertTrue(b1.fichiers.allSatisfy { $0.erreur == nil }, "\(b1.fichiers.map { $0.erreur?.description ?? "" })")
        try FileManager.default.removeItem(at: v1)
        try Self.rempli(v1, sollicitations: demandes, acteurs: [acteur("B1"), acteur("B2")], acteur: "B1")
        let b2 = try t.importer([v1])
        let attente = try XCTUnwrap(b2.fichiers.first { $0.erreur?.raison.contains("renvoient à des") == true }, "\(b2.fichiers.map { $0.erreur?.description ?? "" })")
        XCTAssertTrue(attente.erreur!.raison.contains("acteurs (annuaire) absents de la base, que ce même classeur devait apporter"), attente.erreur!.raison)
        XCTAssertEqual(Set(b2.fichiers.filter { $0.erreur != nil }.map(\.fichier)).count, 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs WHERE acteur_id IN ('A1', 'A2')"), 2, "rien n'est effacé")
    }

    func testModeleSuiviSeRelitSansProfilEtSeReimporteEnInstantane() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"])
        let modele = t.dossier.appendingPathComponent("suivi.xlsx")
        let r = try Binaire.lancer(["modele-suivi", modele.path, "--dossier", t.dossier.path])
        XCTAssertEqual(r.code, 0, r.erreur)
        XCTAssertEqual(try Binaire.lancer(["modele-suivi", modele.path]).code, 2, "ne remplace pas un fichier existant")
        // Sheets, French headers, drop-down lists and date checks.
        let archive = try Archive(url: modele, accessMode: .read)
        func partie(_ chemin: String) throws -> String {
            var d = Data()
            _ = try archive.extract(try XCTUnwrap(archive[chemin], chemin)) { d.append($0) }
            return String(decoding: d, as: UTF8.self)
        }
        let classeur = try partie("xl/workbook.xml")
        for f in ["Mode d'emploi", "Sollicitations", "Propositions", "Acteurs", "Équipe", "Membres cœur", "Listes"] {
            XCTAssertTrue(classeur.contains("name=\"\(f)\""), f)
        }
        let sollicitations = try partie("xl/worksheets/sheet3.xml")
        XCTAssertTrue(sollicitations.contains("type=\"list\""), "listes déroulantes")
        XCTAssertTrue(sollicitations.contains("type=\"date\""), "dates vérifiées")
        let listes = try partie("xl/sharedStrings.xml")
        XCTAssertTrue(listes.contains("Enfant en situation de handicap") && listes.contains("Ternois"), "libellés et territoires de la configuration")
        // The empty template: every sheet recognised, nothing read, nothing rejected.
        let vide = try t.importer([modele])
        XCTAssertEqual(vide.fichiers.compactMap(\.table), [.acteurs, .equipe, .membresCoeur, .sollicitations, .propositions])
        XCTAssertTrue(vide.fichiers.allSatisfy { $0.erreur == nil && $0.lues == 0 && $0.instantane })
        // Review 4 (L6): an empty sheet, with nothing stored before, needs no « par prudence » note.
        XCTAssertFalse(vide.notes.contains { $0.contains("aucune ligne enregistrée") }, "\(vide.notes)")

        let v1 = t.dossier.appendingPathComponent("suivi-rempli.xlsx")
        try Self.rempli(v1, sollicitations: [Self.sollicitation("2025-0001", "Adulte en situation de handicap"), Self.sollicitation("2025-0002", "Aidant"),
                                        Self.sollicitation("2025-0003", "Enfant en situation de handicap")])
        let b1 = try t.importer([v1])
        XCTAssertEqual(b1.fichiers.count, 5, "\(b1.fichiers.map { "\($0.table.map(\.rawValue) ?? "?") \($0.erreur?.description ?? "")" })")
        let s1 = try XCTUnwrap(b1.fichiers.first { $0.table == .sollicitations })
        XCTAssertEqual([s1.lues, s1.importees, s1.rejetees], [3, 3, 0], "\(s1.exemples)")
        XCTAssertEqual(try XCTUnwrap(b1.fichiers.first { $0.table == .propositions }).importees, 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE profil = 'enfant_sh' AND canal = 'numero_vert' AND tranche_age = 'plus_21'"), 1)
        // A row removed from the register disappears from the base.
        let v2 = t.dossier.appendingPathComponent("suivi-rempli-2.xlsx")
        try Self.rempli(v2, sollicitations: [Self.sollicitation("2025-0001", "Adulte en situation de handicap"), Self.sollicitation("2025-0003", "Enfant en situation de handicap")])
        let s2 = try XCTUnwrap(try t.importer([v2]).fichiers.first { $0.table == .sollicitations })
        XCTAssertEqual([s2.inchangees, s2.supprimees], [2, 1])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        // Review 4 (F5): saved under a name a coordinator would choose, it was read as a
        // one-table export from its first sheet (the user guide), and refused.
        let nomme = t.dossier.appendingPathComponent("suivi des sollicitations 2025.xlsx")
        try Self.rempli(nomme, sollicitations: [Self.sollicitation("2025-0001", "Adulte en situation de handicap"), Self.sollicitation("2025-0003", "Enfant en situation de handicap")])
        let b3 = try t.importer([nomme])
        XCTAssertEqual(b3.fichiers.compactMap(\.table).count, 5, "\(b3.fichiers.map { $0.erreur?.description ?? "" })")
        XCTAssertTrue(b3.fichiers.allSatisfy { $0.erreur == nil })
        // A table's sheet renamed: refused, the sheet to rename named (it was skipped, and the
        // table's old rows kept).
        let renomme = t.dossier.appendingPathComponent("suivi-renomme.xlsx")
        try Self.rempli(renomme, sollicitations: [Self.sollicitation("2025-0001", "Adulte en situation de handicap")], renommer: ["Propositions": "Orientations"])
        let b4 = try t.importer([renomme])
        let e = try XCTUnwrap(b4.fichiers.first?.erreur)
        XCTAssertTrue(e.raison.contains("n'a plus de feuille « Propositions »") && e.raison.contains("« Orientations »"), e.raison)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2, "rien n'a changé")
        // The regression review (M6): the sheets of the team and the core members deleted
        // because the C360 does not use them: the rest is read.
        let allege = t.dossier.appendingPathComponent("suivi-allege.xlsx")
        try Self.rempli(allege, sollicitations: [Self.sollicitation("2025-0001", "Adulte en situation de handicap")], sans: ["Équipe", "Membres cœur"])
        let b5 = try t.importer([allege])
        XCTAssertEqual(b5.fichiers.compactMap(\.table).sorted { $0.rawValue < $1.rawValue }, [.acteurs, .propositions, .sollicitations], "\(b5.fichiers.map { $0.erreur?.description ?? "" })")
        XCTAssertTrue(b5.fichiers.allSatisfy { $0.erreur == nil })
        // … and said: those tables are no longer updated by the workbook (second review N2).
        XCTAssertTrue(b5.notes.contains { $0.contains("les feuilles « Équipe », « Membres cœur » du tableur de suivi sont absentes") }, "\(b5.notes)")
    }

    /// The monthly run on the tracker re-exported whole: profile applied by file name, the file
    /// archived once, the rows to fix written beside the reports, and the next month's export
    /// replacing the state.
    func testExecutionMensuelleDuTableurReexporte() throws {
        let t = try espace()
        try FileManager.default.copyItem(atPath: exemple("suivi-appels-2025.xlsx"),
                                         toPath: t.espace.dossierATraiter.appendingPathComponent("suivi-appels-2025-10.xlsx").path)
        let r = try Binaire.lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-10"])
        XCTAssertEqual(r.code, 3, r.sortie + r.erreur)
        XCTAssertTrue(r.sortie.contains("1 fichier importé"), r.sortie)
        XCTAssertTrue(r.sortie.contains("Lu avec le profil « suivi-appels » (suivi-appels-2025-10.xlsx)"), r.sortie)
        XCTAssertTrue(r.sortie.contains("lignes-a-corriger.xlsx"), r.sortie)
        let archives = try FileManager.default.subpathsOfDirectory(atPath: t.espace.dossierArchives.path).filter { $0.hasSuffix(".xlsx") }
        XCTAssertEqual(archives.count, 1, "\(archives)")
        let aCorriger = t.espace.dossierRapports.appendingPathComponent("lignes-a-corriger.xlsx")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: aCorriger.path)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        try FileManager.default.copyItem(atPath: exemple("suivi-appels-2025-reexport.xlsx"),
                                         toPath: t.espace.dossierATraiter.appendingPathComponent("suivi-appels-2025-11.xlsx").path)
        XCTAssertEqual(try Binaire.lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-11"]).code, 3)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 10)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM imports WHERE table_cible = 'sollicitations' AND instantane = 1"), 2)
        // The rows to fix describe the current state: no file lists a replaced import.
        let etat = try t.base().file.read { db in try EtatQualite.lire(db) }
        XCTAssertEqual(Set(etat.problemes.map(\.fichier)), ["suivi-appels-2025-11.xlsx"])
    }

    /// A snapshot import stopped dead at fixed points (after a batch, before the commit):
    /// the base is the old state or the new one, never a mix.
    func testImportInstantaneTueAuxPointsDArretAncienOuNouvelEtat() throws {
        let t = try espace()
        XCTAssertEqual(try Binaire.lancer(["importer", "--dossier", t.dossier.path, exemple("suivi-appels-2025.xlsx")]).code, 3)
        let avant = try t.instantane()
        let copie = t.dossier.appendingPathComponent("avant.sqlite")
        try FileManager.default.copyItem(at: t.espace.baseDeDonnees, to: copie)
        let reexport = ["importer", "--dossier", t.dossier.path, exemple("suivi-appels-2025-reexport.xlsx")]
        for env in [["C360_TEST_ARRET_APRES_LOT": "1"], ["C360_TEST_ARRET_APRES_LOT": "2"], ["C360_TEST_ARRET_AVANT_VALIDATION": "1"]] {
            let r = try Binaire.lancer(reexport, environnement: env)
            XCTAssertNotEqual(r.code, 3, "\(env) : le processus a bien été arrêté")
            XCTAssertEqual(try t.base().file.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }, "ok")
            XCTAssertEqual(try t.instantane(), avant, "\(env) : l'ancien état, intact")
            XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 12)
        }
        XCTAssertEqual(try Binaire.lancer(reexport).code, 3)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 10, "le nouvel état, complet")
        XCTAssertNotEqual(try t.instantane(), avant)
    }
}
