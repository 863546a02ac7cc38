import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GRDB
import XCTest
import ZIPFoundation
@testable import ObservatoireCore
@testable import ObservatoireDemo
@testable import ObservatoireExecution
@testable import ObservatoireImport
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// Issue 12: every attack of the hardening table, as an attacker or a clumsy user would try it
/// on a fresh workspace, with small hostile files made here. Each test checks the handled
/// behaviour: the exit code of the contract, the other files imported, no hang (a watchdog that
/// fails only when a command never ends), nothing secret or personal in any output, the
/// database intact.
final class AttaquesTests: XCTestCase {
    var espaces: [EspaceDeTest] = []

    func espace(territoires: [String] = []) throws -> EspaceDeTest {
        let t = try EspaceDeTest(territoires: territoires)
        espaces.append(t)
        return t
    }

    // MARK: - Tools

    /// Runs `c360` as a scheduler would, with a watchdog: a command still running after
    /// `delaiMax` seconds is killed and the test fails (it would have hung the monthly run).
    @discardableResult
    func lancer(_ arguments: [String], env: [String: String] = [:], limiteFichiers: Int? = nil, commeAutreCompte: Bool = false,
                delaiMax: TimeInterval = 120, file: StaticString = #filePath, line: UInt = #line) throws -> Binaire.Resultat {
        var enveloppe: (URL, [String])?
        if let limiteFichiers {
            enveloppe = (URL(fileURLWithPath: "/bin/sh"), ["-c", "ulimit -n \(limiteFichiers) && exec \"$0\" \"$@\""])
        } else if commeAutreCompte {
            enveloppe = (URL(fileURLWithPath: "/usr/bin/setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups"])
        }
        let r = try Binaire.lancer(arguments, environnement: env, enveloppe: enveloppe, delaiMax: delaiMax)
        XCTAssertFalse(r.tue, "c360 \(arguments.first ?? "") ne s'est pas terminé en \(Int(delaiMax)) s", file: file, line: line)
        return r
    }

    /// The peak resident memory (MB) of every `c360` run so far by this test process: a bound
    /// on all of them (the former renderer reached 3.4 GB in 15 s on one narrative).
    func memoireMaximaleDesCommandesMo() -> Int {
        var u = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &u)
        return u.ru_maxrss / 1024
    }

    func executer(_ t: EspaceDeTest, env: [String: String] = [:], limiteFichiers: Int? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Binaire.Resultat {
        try lancer(["executer", "--dossier", t.dossier.path, "--mois", "2025-12"], env: env, limiteFichiers: limiteFichiers, file: file, line: line)
    }

    /// Writes a file in the inbox.
    @discardableResult
    func deposer(_ t: EspaceDeTest, _ nom: String, _ texte: String) throws -> URL {
        let url = t.espace.dossierATraiter.appendingPathComponent(nom)
        try Data(texte.utf8).write(to: url)
        return url
    }

    func sollicitations(_ ids: ClosedRange<Int>, prefixe: String = "S", territoire: String = "Arrageois") -> String {
        CSV.fichier(CSV.enteteSollicitations, ids.map { CSV.sollicitation("\(prefixe)\($0)", personne: "P\($0)", territoire: territoire) })
    }

    func fichiers(_ dossier: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dossier.path)) ?? []).sorted()
    }

    func archives(_ t: EspaceDeTest) -> URL { t.espace.dossierArchives.appendingPathComponent("2026-01") }

    func type(_ chemin: String) -> mode_t? {
        var s = stat()
        return lstat(chemin, &s) == 0 ? s.st_mode & S_IFMT : nil
    }

    /// Foundation's own English texts, which must never reach a coordinator.
    static let anglais = ["The file", "couldn’t", "couldn't", "isn’t", "isn't", "There isn", "No such file", "Permission denied",
                          "Operation not permitted", "Error Domain", "is invalid", "Fatal error"]

    /// Nothing of `secrets` (nor an escape character, nor English from Foundation) in the
    /// command's output, the logs, the notes of `erreurs/`, the reports, or the database's bytes.
    func verifierRienNeFuit(_ t: EspaceDeTest, _ resultats: [Binaire.Resultat], secrets: [String],
                            file: StaticString = #filePath, line: UInt = #line) throws {
        var textes: [(String, Data)] = resultats.flatMap { [("sortie", Data($0.sortie.utf8)), ("erreurs", Data($0.erreur.utf8))] }
        if let d = try? Data(contentsOf: t.espace.baseDeDonnees) { textes.append((t.espace.baseDeDonnees.path, d)) }
        for dossier in [t.espace.dossierJournaux, t.espace.dossierRapports] {
            guard let e = FileManager.default.enumerator(at: dossier, includingPropertiesForKeys: nil) else { continue }
            for case let u as URL in e where type(u.path) == S_IFREG {
                guard var d = try? Data(contentsOf: u) else { continue }
                if u.pathExtension == "xlsx", let a = try? Archive(data: d, accessMode: .read) {
                    d = Data()
                    for entree in a { _ = try? a.extract(entree) { d.append($0) } }
                }
                textes.append((u.path, d))
            }
        }
        for nom in fichiers(t.espace.dossierErreurs) where nom.hasSuffix(".txt") {
            textes.append((nom, try Data(contentsOf: t.espace.dossierErreurs.appendingPathComponent(nom))))
        }
        for (ou, d) in textes {
            for s in secrets {
                XCTAssertNil(d.range(of: Data(s.utf8)), "« \(s) » trouvé dans \(ou)", file: file, line: line)
            }
            guard !ou.hasSuffix(".sqlite") && !ou.hasSuffix(".xlsx") else { continue }
            XCTAssertNil(d.range(of: Data([0x1B])), "caractère ESC dans \(ou)", file: file, line: line)
            let texte = String(decoding: d, as: UTF8.self)
            for a in AttaquesTests.anglais {
                XCTAssertFalse(texte.contains(a), "texte anglais « \(a) » dans \(ou) : \(texte.prefix(300))", file: file, line: line)
            }
        }
    }

    /// A workbook made of the given parts (XML text), deflated.
    func classeur(_ url: URL, _ parties: [(String, String)]) throws { try AttaquesTests.classeur(url, parties) }

    static func classeur(_ url: URL, _ parties: [(String, String)]) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (chemin, texte) in parties {
            let d = Data(texte.utf8)
            try archive.addEntry(with: chemin, type: .file, uncompressedSize: Int64(d.count), compressionMethod: .deflate) { p, n in
                d.subdata(in: Int(p)..<Int(p) + n)
            }
        }
    }

    static func partiesClasseur(feuille: String, partagees: String? = nil, classeur: String? = nil) -> [(String, String)] {
        var p: [(String, String)] = [
            ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("xl/workbook.xml", classeur ?? "<workbook xmlns:r=\"r\"><sheets><sheet name=\"F\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", feuille),
        ]
        if let partagees { p.append(("xl/sharedStrings.xml", partagees)) }
        return p
    }

    static let colonnes = CSV.enteteSollicitations.split(separator: ";").map(String.init)

    /// A row of inline-string cells (`valeurs` in column order), numbered `r` when given.
    static func ligneXML(_ valeurs: [String], r: String?) -> String {
        var s = r.map { "<row r=\"\($0)\">" } ?? "<row>"
        for v in valeurs { s += "<c t=\"inlineStr\"><is><t>\(v)</t></is></c>" }
        return s + "</row>"
    }

    static func valeursSollicitation(_ id: String) -> [String] {
        CSV.sollicitation(id).split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: - 1. The narrative (recit.md)

    func rapportAvecRecit(_ t: EspaceDeTest, _ recit: String, diffusion: String = "interne") throws -> (Binaire.Resultat, String) {
        try recit.write(to: t.espace.fichierRecit, atomically: true, encoding: .utf8)
        let r = try lancer(["rapport", "--dossier", t.dossier.path, "--annee", "2025", "--format", "html", "--diffusion", diffusion])
        XCTAssertEqual(r.code, 0, r.erreur)
        let page = fichiers(t.espace.dossierRapports).first { $0.hasSuffix(diffusion == "externe" ? "-externe.html" : "2025.html") }
        return (r, try String(contentsOf: t.espace.dossierRapports.appendingPathComponent(try XCTUnwrap(page)), encoding: .utf8))
    }

    func sectionRecit(_ page: String) throws -> String {
        let debut = try XCTUnwrap(page.range(of: "id=\"recit\""))
        let fin = page.range(of: "</section>", range: debut.upperBound..<page.endIndex)?.lowerBound ?? page.endIndex
        return String(page[debut.upperBound..<fin])
    }

    func baseAvecDonnees() throws -> EspaceDeTest {
        let t = try espace()
        XCTAssertEqual(try lancer(["importer", "--dossier", t.dossier.path, try t.ecrire("sollicitations.csv", sollicitations(1...3)).path]).code, 0)
        return t
    }

    /// `<p` on the last line made the former renderer grow without end.
    func testRecitQuiFinitParUnChevronOuvert() throws {
        let t = try baseAvecDonnees()
        let (_, page) = try rapportAvecRecit(t, "## Faits marquants\n\nUn texte.\n<p")
        let recit = try sectionRecit(page)
        XCTAssertTrue(recit.contains("Un texte."), recit)
        XCTAssertTrue(recit.contains("&lt;p"), "le chevron reste du texte : \(recit)")
        // The monthly run writes the same report: it ends too.
        XCTAssertEqual(try executer(t).code, 0)
    }

    /// Brackets and tags that made the former renderer exponential, crash or quadratic, and the
    /// one quadratic case left in cmark 0.30.2 (CVE-2023-22486), bounded by the block size.
    func testRecitsPathologiquesRendusSansBlocage() throws {
        let t = try baseAvecDonnees()
        let cas: [(String, String)] = [
            ("25 crochets ouverts", "Début " + String(repeating: "[a ", count: 25) + " fin."),
            ("10 000 [ puis 10 000 ]", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
            ("x <a × 30 000", String(repeating: "x <a", count: 30_000)),
            ("![[]() × 2 700", String(repeating: "![[]()", count: 2_700)),
            ("![[]() en 60 paragraphes", String(repeating: String(repeating: "![[]()", count: 2_500) + "\n\n", count: 60)),
            ("10 000 citations imbriquées", String(repeating: ">", count: 10_000) + " a"),
            ("listes imbriquées", (0..<2_000).map { String(repeating: "  ", count: $0) + "- a" }.joined(separator: "\n")),
        ]
        for (nom, texte) in cas {
            let (_, page) = try rapportAvecRecit(t, "## Récit\n\n" + texte + "\n\nFin du récit.\n")
            let recit = try sectionRecit(page)
            XCTAssertTrue(recit.contains("Fin du récit.") || recit.contains("Récit non repris"), "\(nom) : \(recit.prefix(200))")
            XCTAssertEqual(recit.components(separatedBy: "<div").count, recit.components(separatedBy: "</div>").count, nom)
        }
        XCTAssertLessThan(memoireMaximaleDesCommandesMo(), 1_024, "mémoire bornée")
    }

    /// A paragraph over the bound is not rendered: the report is written with a French note,
    /// and the command says so.
    func testRecitTropLongReportEcritAvecUneNote() throws {
        let t = try baseAvecDonnees()
        let (r, page) = try rapportAvecRecit(t, "## Récit\n\n" + String(repeating: "mot ", count: 10_000))
        let recit = try sectionRecit(page)
        XCTAssertTrue(recit.contains("Récit non repris"), recit)
        XCTAssertTrue(recit.contains("ligne 3"), recit)
        XCTAssertTrue(r.erreur.contains("Attention") && r.erreur.contains("récit"), r.erreur)
    }

    /// Six stray `</table>` once closed a `div` they never opened.
    func testBalisesFermantesIsoleesNeCassentPasLaPage() throws {
        let t = try baseAvecDonnees()
        let (_, page) = try rapportAvecRecit(t, "## Freins\n\n" + String(repeating: "</table>\n", count: 6) + "</div></section></main>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
        let recit = try sectionRecit(page)
        XCTAssertEqual(recit.components(separatedBy: "<div").count, recit.components(separatedBy: "</div>").count, recit)
        XCTAssertEqual(recit.components(separatedBy: "<table").count, recit.components(separatedBy: "</table>").count, recit)
        XCTAssertEqual(recit.components(separatedBy: "<table").count, 2, "le vrai tableau du récit, lui, est rendu")
        XCTAssertTrue(recit.contains("&lt;/table&gt;"), recit)
        XCTAssertEqual(page.components(separatedBy: "<div").count, page.components(separatedBy: "</div>").count)
        XCTAssertEqual(page.components(separatedBy: "<main").count, page.components(separatedBy: "</main>").count)
    }

    /// A narrative that is a link to the key: never read, never printed.
    func testRecitLienVersLaCleNeFuitPas() throws {
        let t = try baseAvecDonnees()
        let cle = try String(contentsOf: t.espace.fichierCle, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.removeItem(at: t.espace.fichierRecit)
        try FileManager.default.createSymbolicLink(atPath: t.espace.fichierRecit.path, withDestinationPath: t.espace.fichierCle.path)
        let r = try lancer(["rapport", "--dossier", t.dossier.path, "--annee", "2025", "--format", "html,xlsx", "--diffusion", "externe"])
        XCTAssertEqual(r.code, 0, r.erreur)
        let page = try String(contentsOf: t.espace.dossierRapports.appendingPathComponent(try XCTUnwrap(fichiers(t.espace.dossierRapports).first { $0.hasSuffix("-externe.html") })), encoding: .utf8)
        let recit = try sectionRecit(page)
        XCTAssertTrue(recit.contains("lien symbolique"), recit)
        XCTAssertTrue(r.erreur.contains("lien symbolique"), r.erreur)
        try verifierRienNeFuit(t, [r], secrets: [cle, String(cle.prefix(16))])
        XCTAssertEqual(try executer(t).code, 0)
    }

    /// A FIFO as the narrative: the report does not wait for a writer.
    func testRecitFIFONeBloquePas() throws {
        let t = try baseAvecDonnees()
        try FileManager.default.removeItem(at: t.espace.fichierRecit)
        XCTAssertEqual(mkfifo(t.espace.fichierRecit.path, 0o600), 0)
        let r = try lancer(["rapport", "--dossier", t.dossier.path, "--annee", "2025", "--format", "html"])
        XCTAssertEqual(r.code, 0, r.erreur)
        XCTAssertTrue(r.erreur.contains("fichier ordinaire"), r.erreur)
        XCTAssertEqual(try executer(t).code, 0)
    }

    // MARK: - 2. Links, FIFOs, folders and odd names in the inbox

    /// Links to the key and to /etc/passwd: set aside as links, never read; the rest imported.
    func testLiensDansLaBoiteMisDeCoteSansEtreLus() throws {
        let t = try espace()
        let cle = try String(contentsOf: t.espace.fichierCle, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let boite = t.espace.dossierATraiter
        try FileManager.default.createSymbolicLink(atPath: boite.appendingPathComponent("sollicitations-cle.csv").path, withDestinationPath: "../donnees/cle-pseudonymisation")
        try FileManager.default.createSymbolicLink(atPath: boite.appendingPathComponent("acteurs.csv").path, withDestinationPath: "/etc/passwd")
        try deposer(t, "sollicitations.csv", sollicitations(1...5))
        let r = try executer(t)
        XCTAssertEqual(r.code, 65, "des entrées mises de côté : \(r.sortie)\(r.erreur)")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 5, "le fichier valide est importé")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs"), 0)
        for nom in ["sollicitations-cle.csv", "acteurs.csv"] {
            let chemin = t.espace.dossierErreurs.appendingPathComponent(nom).path
            XCTAssertEqual(type(chemin), S_IFLNK, "\(nom) : déplacé en tant que lien")
            let note = try String(contentsOfFile: chemin + ".txt", encoding: .utf8)
            XCTAssertTrue(note.contains("lien symbolique"), note)
        }
        XCTAssertEqual(try String(contentsOf: t.espace.fichierCle, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), cle, "la clé est intacte")
        try verifierRienNeFuit(t, [r], secrets: [cle, String(cle.prefix(12)), "root:", "/bin/bash", "nologin"])
        XCTAssertEqual(fichiers(boite), [], "plus rien ne bloque les exécutions suivantes")
        XCTAssertEqual(try executer(t).code, 0)
    }

    /// A link to a CSV outside the workspace and a dangling link: set aside, never imported.
    func testLienVersUnCSVExterieurEtLienMort() throws {
        let t = try espace()
        let exterieur = t.dossier.deletingLastPathComponent().appendingPathComponent("c360-exterieur-\(UUID().uuidString).csv")
        try Data(sollicitations(100...110, prefixe: "EXT").utf8).write(to: exterieur)
        defer { try? FileManager.default.removeItem(at: exterieur) }
        let boite = t.espace.dossierATraiter
        try FileManager.default.createSymbolicLink(atPath: boite.appendingPathComponent("sollicitations-exterieures.csv").path, withDestinationPath: exterieur.path)
        try FileManager.default.createSymbolicLink(atPath: boite.appendingPathComponent("propositions-mort.csv").path, withDestinationPath: "/nulle-part/propositions.csv")
        try deposer(t, "sollicitations.csv", sollicitations(1...2))
        let r = try executer(t)
        XCTAssertEqual(r.code, 65, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation LIKE 'EXT%'"), 0)
        XCTAssertEqual(type(t.espace.dossierErreurs.appendingPathComponent("sollicitations-exterieures.csv").path), S_IFLNK)
        XCTAssertEqual(type(t.espace.dossierErreurs.appendingPathComponent("propositions-mort.csv").path), S_IFLNK)
        XCTAssertEqual(fichiers(archives(t)).filter { !$0.hasSuffix(".sha256") }, ["sollicitations.csv"])
        XCTAssertEqual(type(archives(t).appendingPathComponent("sollicitations.csv").path), S_IFREG)
        XCTAssertEqual(try executer(t).code, 0, "le mois suivant n'est pas bloqué")
        // `importer` given a link refuses it too (65), without reading through it.
        let lien = t.dossier.appendingPathComponent("lien.csv")
        try FileManager.default.createSymbolicLink(atPath: lien.path, withDestinationPath: exterieur.path)
        let i = try lancer(["importer", "--dossier", t.dossier.path, lien.path])
        XCTAssertEqual(i.code, 65, i.sortie)
        XCTAssertTrue(i.sortie.contains("lien symbolique"), i.sortie)
    }

    /// A FIFO named like an export: the run neither hangs nor keeps the lock.
    func testFIFODansLaBoite() throws {
        let t = try espace()
        XCTAssertEqual(mkfifo(t.espace.dossierATraiter.appendingPathComponent("sollicitations.csv").path, 0o600), 0)
        try deposer(t, "sollicitations-2.csv", sollicitations(1...3))
        let r = try executer(t)
        XCTAssertEqual(r.code, 65, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3)
        XCTAssertEqual(type(t.espace.dossierErreurs.appendingPathComponent("sollicitations.csv").path), S_IFIFO)
        XCTAssertTrue(try String(contentsOf: t.espace.dossierErreurs.appendingPathComponent("sollicitations.csv.txt"), encoding: .utf8).contains("fichier ordinaire"))
        XCTAssertEqual(try executer(t).code, 0, "le verrou a été rendu : pas de 75")
        // `importer` on a FIFO: refused at once.
        let fifo = t.dossier.appendingPathComponent("tube.csv")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        XCTAssertEqual(try lancer(["importer", "--dossier", t.dossier.path, fifo.path]).code, 65)
    }

    /// A folder named like an export and a hidden file: neither skipped silently.
    func testDossierNommeCommeUnExportEtFichierCache() throws {
        let t = try espace()
        let dossier = t.espace.dossierATraiter.appendingPathComponent("sollicitations.csv")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        try Data(sollicitations(50...51).utf8).write(to: dossier.appendingPathComponent("dedans.csv"))
        try deposer(t, ".x.csv", sollicitations(60...61))
        try deposer(t, "propositions.csv", CSV.fichier(CSV.entetePropositions, []))
        let r = try executer(t)
        XCTAssertEqual(r.code, 65, r.sortie)
        XCTAssertEqual(type(t.espace.dossierErreurs.appendingPathComponent("sollicitations.csv").path), S_IFDIR)
        XCTAssertTrue(try String(contentsOf: t.espace.dossierErreurs.appendingPathComponent("sollicitations.csv.txt"), encoding: .utf8).contains("dossier"))
        XCTAssertTrue(r.sortie.contains(".x.csv") && r.sortie.contains("caché"), r.sortie)
        XCTAssertEqual(fichiers(t.espace.dossierATraiter), [".x.csv"], "le fichier caché reste où il est")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0)
        // `importer DOSSIER` lists them too.
        let i = try lancer(["importer", "--dossier", t.dossier.path, t.espace.dossierATraiter.path])
        XCTAssertTrue(i.sortie.contains(".x.csv"), i.sortie)
    }

    /// A Latin-1 byte in a name, a newline in a name: renamed, imported, no forged log line.
    func testNomsNonUTF8EtSautDeLigne() throws {
        let t = try espace()
        let boite = t.espace.dossierATraiter.path
        var chemin = Array(boite.utf8) + Array("/sollicitations-f".utf8) + [0xE9] + Array("vrier.csv".utf8) + [0]
        let fd = chemin.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        }
        XCTAssertGreaterThanOrEqual(fd, 0)
        let octets = Array(sollicitations(1...4).utf8)
        XCTAssertEqual(octets.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, octets.count)
        close(fd)
        try deposer(t, "propositions\n2026-01-15T00:00:00 [critical] faux message.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("PR1", "S1")]))
        let r = try executer(t)
        XCTAssertEqual(r.code, 0, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 4)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions"), 1)
        XCTAssertTrue(fichiers(archives(t)).contains("sollicitations-février.csv"), "\(fichiers(archives(t)))")
        XCTAssertTrue(fichiers(archives(t)).contains("propositions_2026-01-15T00:00:00 [critical] faux message.csv"), "\(fichiers(archives(t)))")
        XCTAssertTrue(r.sortie.contains("renommé"), r.sortie)
        let journal = try String(contentsOf: t.espace.dossierJournaux.appendingPathComponent(try XCTUnwrap(fichiers(t.espace.dossierJournaux).last)), encoding: .utf8)
        for ligne in journal.split(separator: "\n") {
            XCTAssertTrue(ligne.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^ ]* \["#, options: .regularExpression) != nil, "ligne de journal forgée : \(ligne)")
        }
        XCTAssertTrue(journal.contains("propositions^J2026"), "le saut de ligne est montré, échappé : \(journal)")
        XCTAssertEqual(fichiers(t.espace.dossierATraiter), [])
    }

    /// 300 files under `ulimit -n 256`: descriptors are closed as files are done.
    func testPlusDeFichiersQueDeDescripteurs() throws {
        let t = try espace()
        for i in 0..<300 {
            try deposer(t, String(format: "sollicitations-%03d.csv", i), sollicitations(i * 2...(i * 2 + 1)))
        }
        let r = try executer(t, limiteFichiers: 256)
        XCTAssertEqual(r.code, 0, String(r.sortie.suffix(2_000)) + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 600)
        XCTAssertEqual(fichiers(archives(t)).filter { $0.hasSuffix(".csv") }.count, 300)
        try verifierRienNeFuit(t, [r], secrets: [])
    }

    /// A 251-byte name: archived with its `.sha256`, under the system's limit, in French.
    func testNomDe251Octets() throws {
        let t = try espace()
        let nom = "sollicitations-" + String(repeating: "é", count: 116) + ".csv"
        XCTAssertEqual(nom.utf8.count, 251)
        try deposer(t, nom, sollicitations(1...2))
        let r = try executer(t)
        XCTAssertEqual(r.code, 0, r.sortie + r.erreur)
        // The same name again, another content: a second archive of the same name.
        try deposer(t, nom, sollicitations(3...4))
        let r2 = try executer(t)
        XCTAssertEqual(r2.code, 0, r2.sortie + r2.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 4)
        let archives = fichiers(archives(t))
        XCTAssertEqual(archives.filter { $0.hasSuffix(".csv") }.count, 2, "\(archives)")
        XCTAssertEqual(archives.filter { $0.hasSuffix(".sha256") }.count, 2, "\(archives)")
        for a in archives { XCTAssertLessThanOrEqual(a.utf8.count, 255) }
        for a in archives where a.hasSuffix(".csv") {
            let somme = try String(contentsOf: self.archives(t).appendingPathComponent(a + ".sha256"), encoding: .utf8)
            XCTAssertTrue(somme.hasPrefix(try SHA256Hex.de(self.archives(t).appendingPathComponent(a))), "l'empreinte correspond au fichier archivé")
        }
        try verifierRienNeFuit(t, [r, r2], secrets: [])
    }

    // MARK: - 3. Crafted workbooks

    /// `r="9223372036854775807"` then a row without `r`: refused (65), the rest imported.
    func testClasseurAvecNumeroDeLigneDemesure() throws {
        let t = try espace()
        let feuille = "<worksheet><sheetData>" + AttaquesTests.ligneXML(AttaquesTests.colonnes, r: "1")
            + AttaquesTests.ligneXML(AttaquesTests.valeursSollicitation("X1"), r: "9223372036854775807")
            + AttaquesTests.ligneXML(AttaquesTests.valeursSollicitation("X2"), r: nil) + "</sheetData></worksheet>"
        try classeur(t.espace.dossierATraiter.appendingPathComponent("sollicitations-piege.xlsx"), AttaquesTests.partiesClasseur(feuille: feuille))
        try deposer(t, "sollicitations.csv", sollicitations(1...3))
        let r = try executer(t)
        XCTAssertEqual(r.code, 65, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3)
        let note = try String(contentsOf: t.espace.dossierErreurs.appendingPathComponent("sollicitations-piege.xlsx.txt"), encoding: .utf8)
        XCTAssertTrue(note.contains("hors des limites"), note)
        // A column beyond XFD and a row number with letters: refused the same way.
        for (nom, ligne) in [("colonne", "<row r=\"2\"><c r=\"ZZZ2\" t=\"inlineStr\"><is><t>x</t></is></c></row>"), ("lettres", "<row r=\"2x\"></row>")] {
            let url = t.dossier.appendingPathComponent("sollicitations-\(nom).xlsx")
            try classeur(url, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + AttaquesTests.ligneXML(AttaquesTests.colonnes, r: "1") + ligne + "</sheetData></worksheet>"))
            XCTAssertEqual(try lancer(["importer", "--dossier", t.dossier.path, url.path]).code, 65, nom)
        }
    }

    /// 2 000 rows whose date is a 99 000-character shared string: bounded rejects.
    func testChaineParatageeGeanteNeGonflePasLaBase() throws {
        let t = try espace()
        var lignes = AttaquesTests.ligneXML(AttaquesTests.colonnes, r: "1")
        for i in 2...2_001 {
            var v = AttaquesTests.valeursSollicitation("G\(i)")
            v[1] = "§"
            lignes += AttaquesTests.ligneXML(v, r: "\(i)").replacingOccurrences(of: "<c t=\"inlineStr\"><is><t>§</t></is></c>", with: "<c t=\"s\"><v>0</v></c>")
        }
        let geante = "06 98 76 54 32 " + String(repeating: "Quintinvaldo ", count: 7_615)
        try classeur(t.espace.dossierATraiter.appendingPathComponent("sollicitations.xlsx"),
                     AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + lignes + "</sheetData></worksheet>",
                                                  partagees: "<sst><si><t>\(geante)</t></si></sst>"))
        let r = try executer(t)
        XCTAssertEqual(r.code, 3, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM rejets"), 2_000)
        XCTAssertLessThanOrEqual(try t.compter("SELECT max(length(message)) FROM rejets"), Rejet.longueurMessage + 1)
        XCTAssertLessThanOrEqual(try t.compter("SELECT max(length(valeur)) FROM rejets"), Masque.longueurExtrait + 1)
        let taille = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: t.espace.baseDeDonnees.path)[.size] as? NSNumber).intValue
        XCTAssertLessThan(taille, 8 << 20, "la base reste petite (elle grossissait de 190 Mo)")
        XCTAssertLessThan(memoireMaximaleDesCommandesMo(), 1_024, "mémoire bornée")
        try verifierRienNeFuit(t, [r], secrets: ["Quintinvaldo", "06 98 76 54 32"])
    }

    /// XML comments of several megabytes: skipped as a stream, the rows around them read.
    func testClasseurAvecCommentairesGeants() throws {
        let t = try espace()
        var g = Aleatoire(graine: 12)
        var commentaire = [UInt8](repeating: 0, count: 3 << 19)
        for i in commentaire.indices { commentaire[i] = g.entier(2) == 0 ? 97 : 98 }
        let texteCommentaire = "<!--" + String(decoding: commentaire, as: UTF8.self) + "-->"
        var feuille = "<worksheet>" + texteCommentaire + "<sheetData>" + AttaquesTests.ligneXML(AttaquesTests.colonnes, r: "1")
        for i in 2...9 {
            feuille += texteCommentaire + AttaquesTests.ligneXML(AttaquesTests.valeursSollicitation("C\(i)"), r: "\(i)")
        }
        feuille += "<?fin " + String(repeating: "?", count: 300_000) + " ?></sheetData></worksheet>"
        let url = t.dossier.appendingPathComponent("sollicitations-commentaires.xlsx")
        try classeur(url, AttaquesTests.partiesClasseur(feuille: feuille))
        let r = try lancer(["importer", "--dossier", t.dossier.path, url.path])
        XCTAssertEqual(r.code, 0, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 8)
        XCTAssertLessThan(memoireMaximaleDesCommandesMo(), 1_024, "les commentaires ne sont pas gardés en mémoire")
    }

    /// A workbook in the 1904 date system: 44227 is 1 February 2025, not 31 January 2021.
    func testClasseurSysteme1904() throws {
        let t = try espace()
        var v = AttaquesTests.valeursSollicitation("D1")
        v[1] = "§"
        let feuille = "<worksheet><sheetData>" + AttaquesTests.ligneXML(AttaquesTests.colonnes, r: "1")
            + AttaquesTests.ligneXML(v, r: "2").replacingOccurrences(of: "<c t=\"inlineStr\"><is><t>§</t></is></c>", with: "<c><v>44227</v></c>")
            + "</sheetData></worksheet>"
        let classeur1904 = "<workbook xmlns:r=\"r\"><workbookPr date1904=\"1\"/><sheets><sheet name=\"F\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        let url = t.dossier.appendingPathComponent("sollicitations.xlsx")
        try classeur(url, AttaquesTests.partiesClasseur(feuille: feuille, classeur: classeur1904))
        XCTAssertEqual(try lancer(["importer", "--dossier", t.dossier.path, url.path]).code, 0)
        XCTAssertEqual(try t.base().file.read { try String.fetchOne($0, sql: "SELECT date_sollicitation FROM sollicitations") }, "2025-02-01")
        // The usual 1900 system is unchanged.
        try classeur(url, AttaquesTests.partiesClasseur(feuille: feuille.replacingOccurrences(of: "D1", with: "D2").replacingOccurrences(of: "44227", with: "45689")))
        XCTAssertEqual(try lancer(["importer", "--dossier", t.dossier.path, url.path]).code, 0)
        XCTAssertEqual(try t.base().file.read { try String.fetchOne($0, sql: "SELECT date_sollicitation FROM sollicitations WHERE id_sollicitation = 'D2'") }, "2025-02-01")
    }

    // MARK: - 4. Personal values and control characters

    /// An export without its header line, and a `;` in a name that shifts the columns: the
    /// name, the phone and the identifier are quoted nowhere.
    func testAucuneValeurPersonnelleCitee() throws {
        let t = try espace()
        let secrets = ["Quintinvaldo", "Jeanne", "06 98 76 54 32", "DOSSIER-SECRET-77"]
        // No header: the first row (personal data) must not be quoted as « Colonnes trouvées ».
        try deposer(t, "sollicitations-sans-entete.csv", [
            CSV.sollicitation("S1", personne: "DOSSIER-SECRET-77") + ";Mme Quintinvaldo Jeanne;06 98 76 54 32",
            CSV.sollicitation("S2", personne: "DOSSIER-SECRET-77") + ";Mme Quintinvaldo Jeanne;06 98 76 54 32",
        ].joined(separator: "\n") + "\n")
        // A header, and an unquoted `;` inside the name: every later column shifts by one.
        let entete = "id_sollicitation;nom_usager;date_sollicitation;telephone;personne_id;profil;type_demande;problematiques;origine;accompagnee;projet_vie_co_construit;territoire;departement;canal;niveau_intervention;orientation_rapt;tranche_age;date_cloture;notes"
        try deposer(t, "sollicitations-decalees.csv", CSV.fichier(entete, [
            "S3;Quintinvaldo; Jeanne;2025-03-10;06 98 76 54 32;DOSSIER-SECRET-77;adulte_sh;information;;demande;non;;Arrageois;62;;;;;",
            "S4;Quintinvaldo;2025-03-10;06 98 76 54 32;DOSSIER-SECRET-77;adulte_sh;information;;demande;non;;Arrageois;62;;;;;;",
        ]))
        let r = try executer(t)
        XCTAssertEqual(r.code, 65, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 1, "la ligne juste est enregistrée")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM rejets"), 1, "la ligne décalée est rejetée")
        let note = try String(contentsOf: t.espace.dossierErreurs.appendingPathComponent("sollicitations-sans-entete.csv.txt"), encoding: .utf8)
        XCTAssertTrue(note.contains("ne ressemble pas à des noms de colonnes"), note)
        let rejets = try t.base().file.read { try Row.fetchAll($0, sql: "SELECT valeur, message FROM rejets") }
        XCTAssertFalse(rejets.isEmpty)
        let csv = t.dossier.appendingPathComponent("a-corriger.csv")
        let export = try lancer(["rejets", "--dossier", t.dossier.path, "--format", "csv", "--sortie", csv.path])
        try verifierRienNeFuit(t, [r, export], secrets: secrets)
        let contenu = try String(contentsOf: csv, encoding: .utf8)
        for s in secrets { XCTAssertFalse(contenu.contains(s), s) }
    }

    /// ESC in a territory name: a workbook whose every XML part is well-formed, a terminal
    /// that receives no escape sequence.
    func testCaractereDeControleDansUnTerritoire() throws {
        let t = try espace()
        let piege = "Ar\u{1B}[31mra\u{7}geois\u{1B}]0:titre\u{7}"
        let url = try t.ecrire("sollicitations-\u{1B}[2J.csv", sollicitations(1...6, territoire: piege))
        let i = try lancer(["importer", "--dossier", t.dossier.path, url.path])
        XCTAssertEqual(i.code, 0, i.sortie + i.erreur)
        let r = try lancer(["rapport", "--dossier", t.dossier.path, "--annee", "2025", "--format", "xlsx,html"])
        XCTAssertEqual(r.code, 0, r.erreur)
        let ind = try lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025", "--territoire", piege])
        let tdb = try lancer(["tableau-de-bord", "--dossier", t.dossier.path, "--mois", "2025-12"])
        for x in [i, r, ind, tdb] {
            XCTAssertFalse(x.sortie.contains("\u{1B}") || x.erreur.contains("\u{1B}"), x.sortie + x.erreur)
            XCTAssertFalse(x.sortie.contains("\u{7}") || x.erreur.contains("\u{7}"))
        }
        XCTAssertTrue(i.sortie.contains("^["), "le caractère est montré, échappé : \(i.sortie)")
        let classeurs = fichiers(t.espace.dossierRapports).filter { $0.hasSuffix(".xlsx") }
        XCTAssertFalse(classeurs.isEmpty)
        var parties = 0
        for nom in classeurs {
            let archive = try Archive(url: t.espace.dossierRapports.appendingPathComponent(nom), accessMode: .read)
            for entree in archive where entree.path.hasSuffix(".xml") || entree.path.hasSuffix(".rels") {
                var d = Data()
                _ = try archive.extract(entree) { d.append($0) }
                let analyseur = XMLParser(data: d)
                XCTAssertTrue(analyseur.parse(), "\(nom) : \(entree.path) n'est pas du XML bien formé")
                XCTAssertNil(d.range(of: Data([0x1B])), "\(nom) : \(entree.path)")
                parties += 1
            }
        }
        XCTAssertGreaterThan(parties, 10)
    }

    // MARK: - 5. YAML

    static let bombe = """
        a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]

        """

    /// An alias bomb as a complex key (or a value) in the configuration or a profile: refused
    /// at once, in French, with the line.
    func testBombeDAliasYAML() throws {
        let t = try espace()
        let config = try String(contentsOf: t.espace.fichierConfiguration, encoding: .utf8)
        for (nom, piege) in [("clé complexe", AttaquesTests.bombe + "? *i\n: 1\n"), ("valeur", AttaquesTests.bombe.replacingOccurrences(of: "i: &i", with: "territoires: &i"))] {
            try (piege + config.replacingOccurrences(of: "territoires: []", with: "")).write(to: t.espace.fichierConfiguration, atomically: true, encoding: .utf8)
            let r = try lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025"], delaiMax: 60)
            XCTAssertEqual(r.code, 2, "\(nom) : \(r.erreur)")
            XCTAssertLessThan(memoireMaximaleDesCommandesMo(), 1_024, "mémoire bornée")
            XCTAssertTrue(r.erreur.contains("Configuration invalide") && r.erreur.contains("ligne"), r.erreur)
            XCTAssertTrue(r.erreur.contains("alias") || r.erreur.contains("clé"), r.erreur)
        }
        try config.write(to: t.espace.fichierConfiguration, atomically: true, encoding: .utf8)
        // The same in a mapping profile, found by the monthly run.
        try (AttaquesTests.bombe + "? *i\n: 1\n").write(to: t.espace.dossierProfils.appendingPathComponent("piege.yml"), atomically: true, encoding: .utf8)
        let r = try executer(t)
        XCTAssertEqual(r.code, 2, r.erreur)
        XCTAssertTrue(r.erreur.contains("Profil de correspondance invalide"), r.erreur)
        // A few honest anchors stay accepted.
        XCTAssertNoThrow(try GardeYAML.verifier("a: &a [1, 2]\nb: *a\n", fichier: "x.yml", titre: "Essai"))
        XCTAssertThrowsError(try GardeYAML.verifier("a: &a [1, 2]\n? *a\n: 3\n", fichier: "x.yml", titre: "Essai"))
    }

    // MARK: - 6. Files still being written

    /// The file grows between the listing and the opening: it waits, nothing of it is kept;
    /// the next run imports it whole, and the archive's `.sha256` matches.
    func testFichierQuiChangeEntreDeuxRegards() throws {
        let t = try espace()
        let url = try deposer(t, "sollicitations.csv", sollicitations(1...1_000))
        try deposer(t, "acteurs.csv", "acteur_id;nom;categorie;membre_coeur;partenaire;date_referencement\nA1;MDPH;specialise;oui;oui;2020-01-01\n")
        var o = OptionsExecution(aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!, mois: Jour(annee: 2025, mois: 12, jour: 1))
        o.delaiStabilite = 0
        o.entreDeuxRegards = { u in
            guard u.lastPathComponent == "sollicitations.csv", let h = FileHandle(forWritingAtPath: u.path) else { return }
            h.seekToEndOfFile()
            h.write(Data((1_001...2_001).map { CSV.sollicitation("S\($0)", personne: "P\($0)") + "\n" }.joined().utf8))
            try? h.close()
        }
        let b = try ExecutionMensuelle.executer(espace: t.espace, options: o)
        XCTAssertEqual(b.enAttente.map(\.fichier), ["sollicitations.csv"])
        XCTAssertEqual(b.code, .succes)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0, "rien d'un fichier à moitié écrit")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs"), 1, "les autres fichiers sont importés")
        XCTAssertEqual(type(url.path), S_IFREG, "laissé dans a-traiter")
        o.entreDeuxRegards = nil
        let b2 = try ExecutionMensuelle.executer(espace: t.espace, options: o)
        XCTAssertEqual(b2.enAttente.count, 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2_001)
        let archive = archives(t).appendingPathComponent("sollicitations.csv")
        let somme = try String(contentsOf: archive.appendingPathExtension("sha256"), encoding: .utf8)
        XCTAssertTrue(somme.hasPrefix(try SHA256Hex.de(archive)))
    }

    /// A file modified a moment ago waits; the same file, older, is imported.
    func testFichierTropRecentAttendLaProchaineExecution() throws {
        let t = try espace()
        let url = try deposer(t, "sollicitations.csv", sollicitations(1...3))
        let r = try executer(t, env: ["C360_DELAI_STABILITE": "3600"])
        XCTAssertEqual(r.code, 0, r.sortie + r.erreur)
        XCTAssertTrue(r.sortie.contains("prochaine exécution"), r.sortie)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0)
        XCTAssertEqual(fichiers(t.espace.dossierATraiter), ["sollicitations.csv"])
        var temps = [timespec(tv_sec: time(nil) - 7_200, tv_nsec: 0), timespec(tv_sec: time(nil) - 7_200, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, url.path, &temps, 0), 0)
        XCTAssertEqual(try executer(t, env: ["C360_DELAI_STABILITE": "3600"]).code, 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3)
    }

    /// A file that grows while it is read: rolled back, left for later.
    func testFichierQuiGranditPendantLaLecture() throws {
        let t = try espace()
        let url = try t.ecrire("sollicitations.csv", sollicitations(1...2_000))
        let b = try t.importer([url]) { o in
            o.apresChaqueLigne = { n in
                guard n == 1, let h = FileHandle(forWritingAtPath: url.path) else { return }
                h.seekToEndOfFile()
                h.write(Data((CSV.sollicitation("S9999") + "\n").utf8))
                try? h.close()
            }
        }
        let e = try XCTUnwrap(b.fichiers.first?.erreur)
        XCTAssertTrue(e.enAttente, e.raison)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM imports"), 0)
    }

    // MARK: - 7. Recovery

    /// The key lost before any person was imported: recreated, said in the log.
    func testCleRecreeeQuandAucunePersonne() throws {
        let t = try espace()
        let acteurs = try t.ecrire("acteurs.csv", "acteur_id;nom;categorie;membre_coeur;partenaire;date_referencement\nA1;MDPH;specialise;oui;oui;2020-01-01\n")
        XCTAssertEqual(try lancer(["importer", "--dossier", t.dossier.path, acteurs.path]).code, 0)
        try FileManager.default.removeItem(at: t.espace.fichierCle)
        try deposer(t, "sollicitations.csv", sollicitations(1...3))
        let r = try executer(t)
        XCTAssertEqual(r.code, 0, r.sortie + r.erreur)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3)
        XCTAssertNotNil(try ClePseudonymisation.lire(t.espace.fichierCle))
        let journal = try String(contentsOf: t.espace.dossierJournaux.appendingPathComponent(try XCTUnwrap(fichiers(t.espace.dossierJournaux).last { $0.contains("executer") })), encoding: .utf8)
        XCTAssertTrue(journal.contains("clé de pseudonymisation créée"), journal)
        // Once persons are stored, a lost key is still refused.
        try FileManager.default.removeItem(at: t.espace.fichierCle)
        try deposer(t, "sollicitations-2.csv", sollicitations(4...5))
        let refus = try executer(t)
        XCTAssertEqual(refus.code, 2, refus.sortie + refus.erreur)
        XCTAssertTrue(refus.erreur.contains("introuvable"), refus.erreur)
    }

    /// Run by another account: « droits insuffisants », never « absent ».
    func testDroitsInsuffisantsDitsCommeTels() throws {
        let t = try espace()
        let racine = t.dossier.path
        if geteuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("setpriv absent") }
            XCTAssertEqual(chmod(racine, 0o700), 0)
            let r = try lancer(["indicateurs", "--dossier", racine, "--annee", "2025"], commeAutreCompte: true)
            XCTAssertEqual(r.code, 2, r.erreur)
            XCTAssertTrue(r.erreur.contains("droits insuffisants") && r.erreur.contains("nobody"), r.erreur)
            XCTAssertFalse(r.erreur.contains("est absent"), r.erreur)
        } else {
            XCTAssertEqual(chmod(racine, 0o000), 0)
            defer { chmod(racine, 0o700) }
            let r = try lancer(["indicateurs", "--dossier", racine, "--annee", "2025"])
            XCTAssertEqual(r.code, 2, r.erreur)
            XCTAssertTrue(r.erreur.contains("droits insuffisants"), r.erreur)
            XCTAssertFalse(r.erreur.contains("est absent"), r.erreur)
        }
    }

    /// Reports deleted by hand are written again by the next run, data unchanged.
    func testRapportsSupprimesAlaMainReecrits() throws {
        let t = try espace()
        try deposer(t, "sollicitations.csv", sollicitations(1...3))
        XCTAssertEqual(try executer(t).code, 0)
        let ecrits = fichiers(t.espace.dossierRapports).filter { !$0.hasPrefix(".") }
        XCTAssertGreaterThanOrEqual(ecrits.count, 5, "\(ecrits)")
        let r = try executer(t)
        XCTAssertTrue(r.sortie.contains("déjà à jour"), r.sortie)
        for nom in ecrits where nom.hasSuffix(".html") {
            try FileManager.default.removeItem(at: t.espace.dossierRapports.appendingPathComponent(nom))
        }
        let r2 = try executer(t)
        XCTAssertEqual(r2.code, 0)
        XCTAssertFalse(r2.sortie.contains("déjà à jour"), r2.sortie)
        XCTAssertEqual(fichiers(t.espace.dossierRapports).filter { !$0.hasPrefix(".") }, ecrits)
    }

    /// A lock file planted as a link to the database: refused, the database is not truncated.
    func testVerrouPlanteCommeLienVersLaBase() throws {
        let t = try baseAvecDonnees()
        let avant = try Data(contentsOf: t.espace.baseDeDonnees)
        try? FileManager.default.removeItem(at: t.espace.fichierVerrou)
        try FileManager.default.createSymbolicLink(atPath: t.espace.fichierVerrou.path, withDestinationPath: t.espace.baseDeDonnees.path)
        let r = try executer(t)
        XCTAssertEqual(r.code, 73, r.erreur)
        XCTAssertTrue(r.erreur.contains("verrou") && r.erreur.contains("lien symbolique"), r.erreur)
        XCTAssertEqual(try Data(contentsOf: t.espace.baseDeDonnees), avant, "la base n'a pas été touchée")
    }

    // MARK: - 8. Messages

    /// Foundation's English texts are turned into French causes.
    func testMessagesSystemeEnFrancais() throws {
        XCTAssertEqual(MessageSysteme.francais(CocoaError(.fileWriteOutOfSpace)), "le disque est plein")
        XCTAssertEqual(MessageSysteme.francais(CocoaError(.fileWriteInvalidFileName)), "nom de fichier invalide ou trop long")
        XCTAssertEqual(MessageSysteme.francais(NSError(domain: NSPOSIXErrorDomain, code: Int(ENAMETOOLONG))), "nom de fichier trop long")
        XCTAssertEqual(MessageSysteme.francais(CocoaError(.fileWriteNoPermission, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EROFS))])),
                       "le disque est en lecture seule")
        let e = ErreurObservatoire.ecriture("/x", erreur: CocoaError(.fileWriteOutOfSpace))
        XCTAssertEqual(e.code, .ecritureImpossible)
        XCTAssertTrue(e.message.contains("le disque est plein"), e.message)
        for a in AttaquesTests.anglais { XCTAssertFalse(e.description.contains(a)) }
        // An output folder that cannot be created: a French cause, exit 73.
        let t = try baseAvecDonnees()
        let r = try lancer(["rapport", "--dossier", t.dossier.path, "--annee", "2025", "--sortie", "/proc/c360/interdit"])
        XCTAssertEqual(r.code, 73, r.erreur)
        for a in AttaquesTests.anglais { XCTAssertFalse(r.erreur.contains(a), r.erreur) }
    }
}

/// The hexadecimal SHA-256 of a file (the `.sha256` files of the archives), computed by the
/// CSV reader as it reads.
enum SHA256Hex {
    static func de(_ url: URL) throws -> String { try LecteurCSV(url: url).empreinte() }
}
