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
            XCTAssertEqual(r.code, 65, "base endommagée : à restaurer, code 65 — \(r.erreur)")
            XCTAssertTrue(r.erreur.contains("n'est pas une base SQLite"), r.erreur)
            XCTAssertTrue(r.erreur.contains(base.lastPathComponent), r.erreur)
            XCTAssertTrue(r.erreur.contains("→"), "un conseil : \(r.erreur)")
            XCTAssertFalse(r.erreur.contains("file is not a database"), r.erreur)
        }
    }

    /// Every command's help is in French: none of the English swift-argument-parser writes
    /// itself (headings, « (values: …; default: …) » wrapped anywhere, « for detailed help »).
    func testAidesEnFrancais() throws {
        let commandes = [[], ["init"], ["importer"], ["indicateurs"], ["rapport"], ["tableau-de-bord"], ["executer"], ["rejets"],
                         ["profil"], ["profil", "essayer"], ["modele-suivi"], ["demo-donnees"], ["demo"], ["consolider"],
                         ["demo-consolidation"]]
        let anglais = ["default:", "values:", "default as flag", "for detailed help", "USAGE", "OPTIONS:", "SUBCOMMANDS",
                       "ARGUMENTS:", "OVERVIEW", "Show help", "Show the version", "See '"]
        // The library's own `help` command too (it takes no --aide).
        let appels = commandes.flatMap { c in ["--help", "--aide", "-h"].map { c + [$0] } } + [["help"], ["help", "profil", "essayer"]]
        for appel in appels {
            let r = try Binaire.lancer(appel)
            XCTAssertEqual(r.code, 0, "\(appel) : \(r.erreur)")
            XCTAssertTrue(r.sortie.contains("UTILISATION :") || r.sortie.contains("PRÉSENTATION :"), r.sortie)
            for fragment in anglais {
                XCTAssertFalse(r.sortie.contains(fragment), "« \(fragment) » dans l'aide de c360 \(appel.joined(separator: " ")) :\n\(r.sortie)")
            }
        }
        // An enumerated option names its values and its default in French.
        let importer = try Binaire.lancer(["importer", "--help"]).sortie
        XCTAssertTrue(importer.contains("texte ou json. (par défaut :"), importer)
        XCTAssertTrue(try Binaire.lancer(["profil", "--help"]).sortie.contains("pour l'aide détaillée"))
        // A wrong value: no English either.
        let mauvais = try Binaire.lancer(["importer", "--format", "xml", "x.csv"])
        XCTAssertEqual(mauvais.code, 2)
        XCTAssertFalse(mauvais.erreur.contains(" and ") || mauvais.erreur.contains("Please"), mauvais.erreur)
    }

    /// A profile of the tests: reads `*appels*.csv` (N°, Date, Personne) into requests.
    static let profilAppels = """
        nom: appels
        sources:
          appels:
            fichiers: ["*appels*.csv"]
            tables:
              sollicitations:
                id_sollicitation: "N°"
                date_sollicitation: Date
                personne_id: Personne
                profil: { valeur: adulte_sh }
                type_demande: { valeur: information }
                problematiques: { valeur: "" }
                origine: { valeur: demande }
                accompagnee: { valeur: non }
                territoire: { valeur: Arrageois }
        """

    /// A workspace made by `c360 init`, with the profile `appels` and the given others.
    func espaceAvecProfils(_ autres: [String: String]) throws -> URL {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        XCTAssertEqual(try Binaire.lancer(["init", dossier.path]).code, 0)
        try CLITests.profilAppels.write(to: dossier.appendingPathComponent("profils/appels.yml"), atomically: true, encoding: .utf8)
        for (nom, texte) in autres {
            try texte.write(to: dossier.appendingPathComponent("profils/\(nom)"), atomically: true, encoding: .utf8)
        }
        return dossier
    }

    /// A broken profile (a tab in its YAML) blocks neither `--profil` naming another one, nor
    /// the files the other profiles or the canonical format read; it is reported in French.
    func testUnProfilCasseNeBloquePasLesAutres() throws {
        let casse = "nom: casse\nsources:\n  s:\n    fichiers: [\"*.csv\"]\n\ttables: {}\n"
        let dossier = try espaceAvecProfils(["casse.yml": casse])
        defer { try? FileManager.default.removeItem(at: dossier) }
        let appels = dossier.appendingPathComponent("a-traiter/appels mars.csv")
        try Data("N°;Date;Personne\nA1;10/03/2025;P1\n".utf8).write(to: appels)
        let nomme = try Binaire.lancer(["importer", "--dossier", dossier.path, "--profil", "appels", appels.path])
        XCTAssertEqual(nomme.code, 0, nomme.sortie + nomme.erreur)
        XCTAssertTrue(nomme.sortie.contains("1 importée"), nomme.sortie)
        XCTAssertFalse(nomme.erreur.contains("casse"), "le profil cassé n'est pas lu : \(nomme.erreur)")

        // Automatic choice: the other files are imported, the broken profile reported, code 2.
        let canonique = dossier.appendingPathComponent("a-traiter/sollicitations.csv")
        try Data(CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1")]).utf8).write(to: canonique)
        let appelsAvril = dossier.appendingPathComponent("a-traiter/appels avril.csv")
        try Data("N°;Date;Personne\nA2;10/04/2025;P2\n".utf8).write(to: appelsAvril)
        let auto = try Binaire.lancer(["importer", "--dossier", dossier.path, canonique.path, appelsAvril.path])
        XCTAssertEqual(auto.code, 2, "profil invalide : configuration à corriger\n" + auto.sortie + auto.erreur)
        XCTAssertTrue(auto.sortie.contains("Bilan : 2 fichiers, 2 lignes lues, 2 importées"), auto.sortie)
        XCTAssertTrue(auto.erreur.contains("casse.yml") && auto.erreur.contains("erreur de syntaxe YAML à la ligne 5, colonne 1"), auto.erreur)
        XCTAssertTrue(auto.erreur.contains("tabulation"), auto.erreur)
        for anglais in ["found", "token", "while scanning"] { XCTAssertFalse(auto.erreur.contains(anglais), auto.erreur) }

        // --profil naming the broken one, or a missing one while a broken one exists: said so.
        let lui = try Binaire.lancer(["importer", "--dossier", dossier.path, "--profil", "casse", appels.path])
        XCTAssertEqual(lui.code, 2)
        XCTAssertTrue(lui.erreur.contains("casse.yml") && lui.erreur.contains("ligne 5"), lui.erreur)
        let absent = try Binaire.lancer(["importer", "--dossier", dossier.path, "--profil", "suivi", appels.path])
        XCTAssertEqual(absent.code, 2)
        XCTAssertTrue(absent.erreur.contains("« suivi » est introuvable") && absent.erreur.contains("casse.yml est invalide"), absent.erreur)
        XCTAssertTrue(absent.erreur.contains("si c'est le profil voulu, corrigez-le"), absent.erreur)
    }

    /// Two profiles recognising one file name: the file is refused, both are named, nothing
    /// of it is stored; the others are imported.
    func testDeuxProfilsPourUnMemeFichier() throws {
        let dossier = try espaceAvecProfils(["copie.yml": CLITests.profilAppels])
        defer { try? FileManager.default.removeItem(at: dossier) }
        let appels = dossier.appendingPathComponent("a-traiter/appels mars.csv")
        try Data("N°;Date;Personne\nA1;10/03/2025;P1\n".utf8).write(to: appels)
        let canonique = dossier.appendingPathComponent("a-traiter/sollicitations.csv")
        try Data(CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1")]).utf8).write(to: canonique)
        let r = try Binaire.lancer(["importer", "--dossier", dossier.path, dossier.appendingPathComponent("a-traiter").path])
        XCTAssertEqual(r.code, 2, r.sortie + r.erreur)
        XCTAssertTrue(r.sortie.contains("2 profils reconnaissent son nom"), r.sortie)
        XCTAssertTrue(r.sortie.contains("« appels »") && r.sortie.contains("« copie » (nom : appels)"), r.sortie)
        XCTAssertTrue(r.sortie.contains("--profil appels '\(appels.path)'"), r.sortie)
        XCTAssertTrue(r.sortie.contains("sollicitations.csv → sollicitations : 1 ligne lue, 1 importée"), r.sortie)
        let json = try Binaire.lancer(["importer", "--dossier", dossier.path, "--format", "json", appels.path])
        XCTAssertEqual(json.code, 2)
        XCTAssertTrue(json.sortie.contains("\"importees\":0") && json.sortie.contains("profils reconnaissent son nom"), json.sortie)
        // Named with --profil, it is read.
        let nomme = try Binaire.lancer(["importer", "--dossier", dossier.path, "--profil", "copie", appels.path])
        XCTAssertEqual(nomme.code, 0, nomme.sortie + nomme.erreur)
    }

    /// The advice for a file no profile recognises gives a command that can be pasted: the
    /// path quoted for the shell, the workspace's only profile named.
    func testConseilPourUnFichierNonReconnuACopier() throws {
        let dossier = try espaceAvecProfils([:])
        defer { try? FileManager.default.removeItem(at: dossier) }
        let fichier = dossier.appendingPathComponent("a-traiter/Tableau C360 d'avril 2025.csv")
        try Data("N°;Date;Personne\nA1;10/03/2025;P1\n".utf8).write(to: fichier)
        let r = try Binaire.lancer(["importer", "--dossier", dossier.path, fichier.path])
        XCTAssertEqual(r.code, 65, r.sortie + r.erreur)
        let attendu = "c360 importer --profil appels " + Shell.citer(fichier.path, toujours: true)
        XCTAssertTrue(r.sortie.contains(attendu), r.sortie)
        XCTAssertTrue(attendu.contains(#"'\''avril"#))
        XCTAssertFalse(r.sortie.contains("--profil NOM"), r.sortie)
        // Pasted as given, the command imports the file.
        let script = "\"$0\" " + attendu.dropFirst("c360 ".count) + " --dossier " + Shell.citer(dossier.path)
        let colle = try Binaire.lancer([], enveloppe: (URL(fileURLWithPath: "/bin/sh"), ["-c", script]))
        XCTAssertEqual(colle.code, 0, colle.sortie + colle.erreur)
        XCTAssertTrue(colle.sortie.contains("1 importée"), colle.sortie)
    }
}
