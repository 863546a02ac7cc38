import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// A temporary workspace for a test, removed at the end.
final class EspaceDeTest {
    let dossier: URL
    var espace: EspaceDeTravail

    init(territoires: [String] = [], configurer: ((inout String) -> Void)? = nil) throws {
        dossier = FileManager.default.temporaryDirectory.appendingPathComponent("c360-test-\(UUID().uuidString)")
        espace = try EspaceDeTravail.creer(dans: dossier, nom: "C360 de test", departement: "62", territoires: territoires)
        if let configurer {
            var texte = try String(contentsOf: espace.fichierConfiguration, encoding: .utf8)
            configurer(&texte)
            try texte.write(to: espace.fichierConfiguration, atomically: true, encoding: .utf8)
            espace = try EspaceDeTravail.ouvrir(dossier)
        }
    }

    deinit { try? FileManager.default.removeItem(at: dossier) }

    /// Writes a file in the workspace (text in UTF-8, or raw bytes).
    @discardableResult
    func ecrire(_ nom: String, _ texte: String) throws -> URL {
        try ecrire(nom, octets: Array(texte.utf8))
    }

    @discardableResult
    func ecrire(_ nom: String, octets: [UInt8]) throws -> URL {
        let url = dossier.appendingPathComponent("entree").appendingPathComponent(nom)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(octets).write(to: url)
        return url
    }

    func base() throws -> Base { try Base.ouvrir(espace.baseDeDonnees) }

    func importer(_ urls: [URL], _ reglage: (inout OptionsImport) -> Void = { _ in }) throws -> BilanImport {
        var o = OptionsImport()
        o.aujourdhui = Jour(annee: 2026, mois: 1, jour: 15)!
        reglage(&o)
        return try Importeur(espace: espace, base: try base()).importer(urls, options: o)
    }

    func compter(_ sql: String) throws -> Int {
        try base().file.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    /// Every row of every table, as text: two states of the database compare equal when nothing changed.
    func instantane() throws -> String {
        try base().file.read { db in
            var s = ""
            for t in ["imports", "rejets", "acteurs", "equipe", "membres_coeur", "sollicitations", "sollicitation_problematiques", "propositions", "meta"] {
                let lignes = try Row.fetchAll(db, sql: "SELECT * FROM \(t) ORDER BY 1, 2")
                s += "\(t): \(lignes.map(\.description).joined(separator: "\n"))\n"
            }
            return s
        }
    }
}

/// A small CSV of requests, one line per call, header included.
enum CSV {
    static let enteteSollicitations = "id_sollicitation;date_sollicitation;personne_id;profil;type_demande;problematiques;origine;accompagnee;projet_vie_co_construit;territoire;departement;canal;niveau_intervention;orientation_rapt;tranche_age;date_cloture"

    static func sollicitation(_ id: String, date: String = "2025-03-10", personne: String = "P1", profil: String = "adulte_sh",
                              type: String = "recherche_solution", problematiques: String = "logement_habitat", origine: String = "demande",
                              accompagnee: String = "oui", projet: String = "personne", territoire: String = "Arrageois",
                              departement: String = "62", canal: String = "numero_vert", niveau: String = "1", rapt: String = "non",
                              tranche: String = "plus_21", cloture: String = "") -> String {
        [id, date, personne, profil, type, problematiques, origine, accompagnee, projet, territoire, departement, canal, niveau, rapt, tranche, cloture]
            .joined(separator: ";")
    }

    static let entetePropositions = "id_proposition;id_sollicitation;date_proposition;evaluation_preexistante;ad_hoc_partenaires;milieu_ordinaire;decision;date_decision;acteur_id"

    static func proposition(_ id: String, _ sollicitation: String, date: String = "2025-03-20", evaluation: String = "oui",
                            adHoc: String = "non", milieu: String = "oui", decision: String = "acceptee", dateDecision: String = "",
                            acteur: String = "") -> String {
        [id, sollicitation, date, evaluation, adHoc, milieu, decision, dateDecision, acteur].joined(separator: ";")
    }

    static func fichier(_ entete: String, _ lignes: [String]) -> String {
        ([entete] + lignes).joined(separator: "\n") + "\n"
    }
}

/// The built `c360` executable, run as a user would.
enum Binaire {
    static var url: URL {
        let racine = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidat in [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            + Bundle.allBundles.map({ $0.bundleURL.deletingLastPathComponent() })
            + [racine.appendingPathComponent(".build/debug")] {
            let u = candidat.appendingPathComponent("c360")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return racine.appendingPathComponent(".build/debug/c360")
    }

    struct Resultat {
        let code: Int32
        let sortie: String
        let erreur: String
        /// Killed by the watchdog (`delaiMax`): the command never ended.
        var tue = false
    }

    /// Runs `c360` as a user or a scheduler would. `enveloppe` runs it through another command
    /// (`/usr/bin/setpriv …` to run as another account, `/bin/sh -c "ulimit …"`); with
    /// `delaiMax`, a command still running after that many seconds is killed (`tue`).
    @discardableResult
    static func lancer(_ arguments: [String], dossier: URL? = nil, environnement: [String: String] = [:],
                       enveloppe: (URL, [String])? = nil, delaiMax: TimeInterval? = nil) throws -> Resultat {
        let p = Process()
        if let (commande, prefixe) = enveloppe {
            p.executableURL = commande
            p.arguments = prefixe + [url.path] + arguments
        } else {
            p.executableURL = url
            p.arguments = arguments
        }
        if let dossier { p.currentDirectoryURL = dossier }
        var env = ProcessInfo.processInfo.environment
        env["C360_AUJOURDHUI"] = env["C360_AUJOURDHUI"] ?? "2026-01-15"
        // Files written by the test itself are complete: no wait for « still being copied ».
        env["C360_DELAI_STABILITE"] = env["C360_DELAI_STABILITE"] ?? "0"
        for (k, v) in environnement { env[k] = v }
        p.environment = env
        let sortie = Pipe(), erreur = Pipe()
        p.standardOutput = sortie
        p.standardError = erreur
        try p.run()
        let tue = ProcessusTue()
        let garde = DispatchWorkItem {
            if p.isRunning { tue.oui = true; kill(p.processIdentifier, SIGKILL) }
        }
        if let delaiMax { DispatchQueue.global().asyncAfter(deadline: .now() + delaiMax, execute: garde) }
        // Read both pipes while the process runs, so that a large output cannot block it.
        let lecture = LectureAsynchrone(erreur.fileHandleForReading)
        let donneesSortie = sortie.fileHandleForReading.readDataToEndOfFile()
        let donneesErreur = lecture.attendre()
        p.waitUntilExit()
        garde.cancel()
        return Resultat(code: p.terminationStatus, sortie: String(decoding: donneesSortie, as: UTF8.self),
                        erreur: String(decoding: donneesErreur, as: UTF8.self), tue: tue.oui)
    }

    private final class ProcessusTue: @unchecked Sendable { var oui = false }

    /// Reads a pipe to its end on another thread.
    private final class LectureAsynchrone: @unchecked Sendable {
        private var donnees = Data()
        private let groupe = DispatchGroup()

        init(_ f: FileHandle) {
            groupe.enter()
            DispatchQueue.global().async {
                self.donnees = f.readDataToEndOfFile()
                self.groupe.leave()
            }
        }

        func attendre() -> Data {
            groupe.wait()
            return donnees
        }
    }
}
