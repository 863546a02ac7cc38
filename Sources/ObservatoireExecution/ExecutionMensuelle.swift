import Crypto
import Foundation
import Logging
import ObservatoireCore
import ObservatoireImport
import ObservatoireIndicateurs
import ObservatoireRapports
import ObservatoireStore

/// Options of the monthly run.
public struct OptionsExecution: Sendable {
    /// The month the run is for (the dashboard stops at it; the reports cover its year).
    public var mois: Jour
    /// Say what would be done, change nothing.
    public var aBlanc = false
    /// The day of the run (archives are filed by the month of the run).
    public var aujourdhui: Jour

    /// By default, the month before `aujourdhui`.
    public init(aujourdhui: Jour = Jour.aujourdhui(), mois: Jour? = nil) {
        self.aujourdhui = aujourdhui
        self.mois = mois ?? (aujourdhui.debutDuMois - 1)
    }
}

/// What a monthly run did (or would do, `a blanc`).
public struct BilanExecution: Sendable {
    public struct Deplacement: Sendable {
        public var fichier: String
        public var destination: URL
        public var raison: String?
    }

    public var mois: Jour
    public var aBlanc: Bool
    public var importation: BilanImport?
    public var archives: [Deplacement] = []
    public var erreurs: [Deplacement] = []
    public var rapports: [URL] = []
    /// The list of rows to fix (`rapports/lignes-a-corriger.xlsx`), when there are some.
    public var aCorriger: URL?
    public var rejetsCourants = 0
    public var avertissementsCourants = 0
    /// Reports not rewritten because nothing changed since the last run.
    public var rapportsAJour = false
    public var journal: URL?

    public var code: CodeSortie {
        var c = importation?.code ?? .succes
        if !erreurs.isEmpty { c = .pire(c, .donneesIllisibles) }
        return c
    }

    /// One French paragraph for the scheduler's mail.
    public var resume: String {
        let moisTexte = "\(Periode.nomsDesMois[mois.mois - 1]) \(mois.annee)"
        var phrases: [String] = []
        let i = importation
        let fichiers = (i?.fichiers.count ?? 0)
        if aBlanc {
            phrases.append("Exécution à blanc pour \(moisTexte) : rien n'a été modifié.")
        } else {
            phrases.append("Exécution mensuelle pour \(moisTexte).")
        }
        if fichiers == 0 && erreurs.isEmpty {
            phrases.append("Aucun nouveau fichier dans le dossier à traiter.")
        } else {
            let nouveaux = Set(i?.fichiers.filter { $0.erreur == nil && !$0.dejaImporte }.map(\.fichier) ?? []).count
            let deja = Set(i?.fichiers.filter(\.dejaImporte).map(\.fichier) ?? []).count
            let pl = nouveaux > 1 ? "s" : ""
            var p = "\(nouveaux) fichier\(pl) \(aBlanc ? (nouveaux > 1 ? "seraient importés" : "serait importé") : "importé\(pl)")"
            p += " : \(FormatFrancais.entier(i?.totalLues ?? 0)) lignes lues, \(FormatFrancais.entier(i?.totalImportees ?? 0)) \(aBlanc ? "enregistrables" : "enregistrées"), \(FormatFrancais.entier(i?.totalRejetees ?? 0)) rejetées"
            if deja > 0 { p += " ; \(deja) déjà importé\(deja > 1 ? "s" : "") auparavant (rien de changé)" }
            phrases.append(p + ".")
            let profils = Dictionary(grouping: (i?.fichiers ?? []).filter { $0.profil != nil }, by: { $0.profil! })
                .map { "« \($0.key) » (\(Set($0.value.map(\.fichier)).sorted().joined(separator: ", ")))" }.sorted()
            if !profils.isEmpty { phrases.append("Lu avec le profil \(profils.joined(separator: ", ")).") }
            if !aBlanc && !archives.isEmpty { phrases.append("\(archives.count) fichier\(archives.count > 1 ? "s" : "") archivé\(archives.count > 1 ? "s" : "") dans « \(archives[0].destination.deletingLastPathComponent().path) ».") }
            if !erreurs.isEmpty {
                let pe = erreurs.count > 1 ? "s" : ""
                let verbe = aBlanc ? (erreurs.count > 1 ? "seraient déplacés" : "serait déplacé") : "déplacé\(pe)"
                phrases.append("\(erreurs.count) fichier\(pe) illisible\(pe) \(verbe) dans « erreurs » avec une note expliquant quoi faire : \(erreurs.map(\.fichier).joined(separator: ", ")).")
            }
        }
        if !aBlanc, let aCorriger {
            phrases.append("État actuel : \(rejetsCourants) ligne(s) rejetée(s) et \(avertissementsCourants) avertissement(s) à corriger, listés dans « \(aCorriger.path) ».")
        }
        if aBlanc {
            phrases.append("Le tableau de bord et les rapports de l'année \(mois.annee) seraient rafraîchis.")
        } else if rapportsAJour {
            phrases.append("Rapports et tableau de bord déjà à jour (aucune donnée nouvelle).")
        } else if !rapports.isEmpty {
            phrases.append("Rapports de l'année \(mois.annee) et tableau de bord rafraîchis dans « \(rapports[0].deletingLastPathComponent().path) ».")
        }
        if let journal { phrases.append("Journal : \(journal.path).") }
        return phrases.joined(separator: " ")
    }
}

/// The scheduled monthly run (`c360 executer`): imports what is new in the inbox, files each
/// processed file in the archive of the month (or in `erreurs/` with a note saying why and
/// what to do), then refreshes the dashboard and the year-to-date reports.
///
/// Safe to re-run: files already imported are reported as such and archived; reports are not
/// rewritten when the data, the month and the configuration are the same as last time. One run
/// at a time: the workspace lock makes a second one exit with code 75.
///
/// ```swift
/// let bilan = try ExecutionMensuelle.executer(espace: espace, options: OptionsExecution())
/// print(bilan.resume)
/// ```
public enum ExecutionMensuelle {
    public static func executer(espace: EspaceDeTravail, options: OptionsExecution) throws -> BilanExecution {
        let verrou = try Verrou.prendre(espace)
        defer { verrou.liberer() }
        var bilan = BilanExecution(mois: options.mois, aBlanc: options.aBlanc)
        var journal = Journal.muet
        if !options.aBlanc {
            let (j, url) = Journal.ouvrir(dans: espace.dossierJournaux, commande: "executer")
            journal = j
            bilan.journal = url
        }
        if let ancien = verrou.repriseApresInterruption {
            journal.warning("verrou d'une exécution interrompue repris", metadata: ["ancien": "\(ancien)"])
        }
        journal.info("exécution mensuelle", metadata: ["mois": "\(options.mois.iso.prefix(7))", "a_blanc": "\(options.aBlanc)"])

        // 1. Import what is in the inbox, each file with the profile its name matches.
        try FileManager.default.createDirectory(at: espace.dossierATraiter, withIntermediateDirectories: true)
        let (fichiers, autres) = try Importeur.fichiers([espace.dossierATraiter])
        var profils: [ProfilCorrespondance] = []
        for (_, url) in ProfilCorrespondance.tous(dans: espace) { profils.append(try ProfilCorrespondance.charger(url)) }
        // A dry run on a workspace without a database yet works on a throwaway one.
        let nouvelleBase = !FileManager.default.fileExists(atPath: espace.baseDeDonnees.path)
        let urlBase = options.aBlanc && nouvelleBase
            ? FileManager.default.temporaryDirectory.appendingPathComponent("c360-a-blanc-\(UUID().uuidString).sqlite")
            : espace.baseDeDonnees
        defer { if urlBase != espace.baseDeDonnees { try? FileManager.default.removeItem(at: urlBase) } }
        let base = try Base.ouvrir(urlBase)
        if !fichiers.isEmpty {
            var o = OptionsImport()
            o.aujourdhui = options.aujourdhui
            o.profils = profils
            o.simulation = options.aBlanc
            bilan.importation = try Importeur(espace: espace, base: base, journal: journal).importer(fichiers, options: o)
        } else {
            bilan.importation = BilanImport()
        }

        // 2. File each file: archive of the month, or errors with a note.
        let dossierArchive = espace.dossierArchives.appendingPathComponent(String(options.aujourdhui.iso.prefix(7)), isDirectory: true)
        // A file may feed several tables (one entry each): it is filed once, in the errors when
        // any of its readings failed (the note says what was imported all the same).
        var vus: Set<String> = []
        let entrees = bilan.importation?.fichiers ?? []
        for f in entrees where vus.insert(f.fichier).inserted {
            let siens = entrees.filter { $0.fichier == f.fichier }
            if let e = siens.compactMap(\.erreur).first {
                let importees = siens.filter { $0.erreur == nil && $0.importees > 0 }.compactMap { $0.table?.libelle }
                let partiel = importees.isEmpty ? " Rien de ce fichier n'a été importé." : " Les autres parties du fichier ont été importées (\(importees.joined(separator: ", "))) ; redéposer le fichier corrigé ne les comptera pas deux fois."
                bilan.erreurs.append(.init(fichier: f.fichier, destination: espace.dossierErreurs.appendingPathComponent(f.fichier),
                                           raison: "\(e.raison). \(e.conseil)\(partiel)"))
            } else {
                bilan.archives.append(.init(fichier: f.fichier, destination: dossierArchive.appendingPathComponent(f.fichier), raison: nil))
            }
        }
        for nom in autres {
            bilan.erreurs.append(.init(fichier: nom, destination: espace.dossierErreurs.appendingPathComponent(nom),
                                       raison: "ce n'est pas un export reconnu (extensions acceptées : .csv, .txt, .xlsx). Enregistrez le tableau au format CSV UTF-8 ou .xlsx, puis redéposez-le dans « a-traiter »."))
        }
        if options.aBlanc { return bilan }
        for (i, a) in bilan.archives.enumerated() {
            let source = espace.dossierATraiter.appendingPathComponent(a.fichier)
            let empreinte = bilan.importation?.fichiers.first { $0.fichier == a.fichier }?.empreinte
            bilan.archives[i].destination = try archiver(source, dans: dossierArchive, empreinte: empreinte)
            journal.info("fichier archivé", metadata: ["fichier": "\(a.fichier)", "vers": "\(bilan.archives[i].destination.path)"])
        }
        for (i, e) in bilan.erreurs.enumerated() {
            let source = espace.dossierATraiter.appendingPathComponent(e.fichier)
            bilan.erreurs[i].destination = try mettreEnErreur(source, dans: espace.dossierErreurs, raison: e.raison ?? "", le: options.aujourdhui)
            journal.warning("fichier mis en erreur", metadata: ["fichier": "\(e.fichier)"])
        }

        // 3. Refresh the reports of the month's year, the dashboard and the list of rows to fix,
        // unless nothing changed (and they are all still there).
        let etat = try etatDesDonnees(espace: espace, base: base, mois: options.mois)
        let fichierEtat = espace.dossierRapports.appendingPathComponent(".etat-des-rapports")
        let qualite = try base.file.read { db in try EtatQualite.lire(db) }
        bilan.rejetsCourants = qualite.totalRejetees
        bilan.avertissementsCourants = qualite.totalAvertissements
        let aCorriger = espace.dossierRapports.appendingPathComponent("lignes-a-corriger.xlsx")
        if qualite.problemes.isEmpty {
            try? FileManager.default.removeItem(at: aCorriger)
        } else {
            bilan.aCorriger = aCorriger
        }
        if let ancien = try? String(contentsOf: fichierEtat, encoding: .utf8), ancien == etat,
           qualite.problemes.isEmpty || FileManager.default.fileExists(atPath: aCorriger.path) {
            bilan.rapportsAJour = true
            journal.info("rapports déjà à jour")
        } else {
            let extraction = Date()
            for diffusion in [Diffusion.interne, .externe] {
                bilan.rapports += try Publication.rapport(espace: espace, base: base, annee: options.mois.annee, formats: [.xlsx, .html],
                                                          diffusion: diffusion, dossier: espace.dossierRapports, extraction: extraction)
            }
            bilan.rapports += (try Publication.tableauDeBord(espace: espace, base: base, jusqua: options.mois, diffusion: .externe,
                                                                dossier: espace.dossierRapports, extraction: extraction))
            if !qualite.problemes.isEmpty {
                try ExportRejets.xlsx(qualite, chemin: aCorriger, nomC360: espace.configuration.nom, extraction: extraction)
                journal.info("lignes à corriger écrites", metadata: ["rejets": "\(qualite.totalRejetees)", "avertissements": "\(qualite.totalAvertissements)"])
            }
            do {
                try etat.write(to: fichierEtat, atomically: true, encoding: .utf8)
            } catch {
                throw ErreurObservatoire.ecriture(fichierEtat.path, error.localizedDescription)
            }
            journal.info("rapports rafraîchis", metadata: ["fichiers": "\(bilan.rapports.count)"])
        }
        journal.info("fin de l'exécution", metadata: ["code": "\(bilan.code.rawValue)"])
        return bilan
    }

    /// What the reports depend on: the data (the import ledger), the month, the configuration,
    /// the templates, and the program's version.
    static func etatDesDonnees(espace: EspaceDeTravail, base: Base, mois: Jour) throws -> String {
        let donnees = try base.file.read { db in
            try String.fetchOne(db, sql: "SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(fin), '') FROM imports") ?? ""
        }
        var h = SHA256()
        h.update(data: (try? Data(contentsOf: espace.fichierConfiguration)) ?? Data())
        if let modeles = try? FileManager.default.contentsOfDirectory(at: espace.dossierModeles, includingPropertiesForKeys: nil) {
            for m in modeles.sorted(by: { $0.path < $1.path }) { h.update(data: (try? Data(contentsOf: m)) ?? Data()) }
        }
        h.update(data: (try? Data(contentsOf: espace.fichierRecit)) ?? Data())
        let configuration = h.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
        return "mois=\(mois.iso.prefix(7)) donnees=\(donnees) configuration=\(configuration) version=\(Version.courante)\n"
    }

    /// Moves an imported file to the month's archive; a different file of the same name already
    /// there keeps its place (the new one gets its content hash in its name). A `.sha256` file
    /// beside it records the content hash.
    static func archiver(_ source: URL, dans dossier: URL, empreinte: String?) throws -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: dossier, withIntermediateDirectories: true)
            var destination = dossier.appendingPathComponent(source.lastPathComponent)
            if fm.fileExists(atPath: destination.path) {
                let court = String((empreinte ?? UUID().uuidString).prefix(12))
                let ext = source.pathExtension
                destination = dossier.appendingPathComponent(source.deletingPathExtension().lastPathComponent + "-" + court + (ext.isEmpty ? "" : "." + ext))
                if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
            }
            try fm.moveItem(at: source, to: destination)
            if let empreinte {
                try "\(empreinte)  \(destination.lastPathComponent)\n".write(to: destination.appendingPathExtension("sha256"), atomically: true, encoding: .utf8)
            }
            return destination
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, "archivage de « \(source.lastPathComponent) » impossible (\(error.localizedDescription))")
        }
    }

    /// Moves an unreadable file to `erreurs/` with a French note beside it.
    static func mettreEnErreur(_ source: URL, dans dossier: URL, raison: String, le jour: Jour) throws -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: dossier, withIntermediateDirectories: true)
            var destination = dossier.appendingPathComponent(source.lastPathComponent)
            var n = 1
            while fm.fileExists(atPath: destination.path) {
                n += 1
                destination = dossier.appendingPathComponent(source.deletingPathExtension().lastPathComponent + "-\(n)" + (source.pathExtension.isEmpty ? "" : "." + source.pathExtension))
            }
            try fm.moveItem(at: source, to: destination)
            let note = """
            Fichier : \(source.lastPathComponent)
            Déposé dans « a-traiter », mis de côté le \(jour.francais) par l'exécution mensuelle de c360.

            Pourquoi : \(raison)

            Que faire : corrigez le fichier (ou exportez-le à nouveau depuis l'outil de suivi), puis déposez-le de nouveau dans le dossier « a-traiter » ; il sera importé à la prochaine exécution. Vous pouvez ensuite supprimer ce fichier et cette note.

            """
            try note.write(to: destination.appendingPathExtension("txt"), atomically: true, encoding: .utf8)
            return destination
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, "déplacement de « \(source.lastPathComponent) » impossible (\(error.localizedDescription))")
        }
    }
}

/// The program's version, part of the reports' state (a new version rewrites them).
public enum Version {
    public static let courante = "0.1.0"
}
