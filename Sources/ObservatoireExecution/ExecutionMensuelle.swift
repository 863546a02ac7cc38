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
    /// A file of the inbox modified less than this many seconds ago is still being copied: it
    /// waits for the next run. `C360_DELAI_STABILITE` (seconds) changes it; 5 by default.
    public var delaiStabilite: TimeInterval = OptionsExecution.delaiStabiliteParDefaut
    /// Called between the listing of the inbox and the opening of its files (tests: a file that
    /// changes between the two looks).
    public var entreDeuxRegards: (@Sendable (URL) -> Void)?
    /// Called after the import, before the files are filed (tests: a file changed or replaced
    /// once read).
    public var avantArchivage: (@Sendable () -> Void)?

    public static var delaiStabiliteParDefaut: TimeInterval {
        ProcessInfo.processInfo.environment["C360_DELAI_STABILITE"].flatMap(TimeInterval.init).map { max(0, $0) } ?? 5
    }

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
    /// Files left in the inbox for the next run (still being written), with why.
    public var enAttente: [Deplacement] = []
    /// Hidden files of the inbox, left where they are.
    public var caches: [String] = []
    /// Files renamed in the inbox because their name was not readable.
    public var renommes: [(ancien: String, nouveau: String)] = []
    public var rapports: [URL] = []
    /// The list of rows to fix (`rapports/lignes-a-corriger.xlsx`), when there are some.
    public var aCorriger: URL?
    public var rejetsCourants = 0
    public var avertissementsCourants = 0
    /// Rows rejected by an earlier run that stopped after its import, signalled by this one
    /// (see ``OptionsImport/signalerRejets``).
    public var rejetsAnterieurs = 0
    /// Reports not rewritten because nothing changed since the last run.
    public var rapportsAJour = false
    /// Earlier years whose data changed since the run that wrote their reports (late decisions
    /// typed in January), rewritten as of their December.
    public var anneesRafraichies: [Int] = []
    public var journal: URL?
    /// Broken profiles of the workspace, left out of the run (the others were used).
    public var profilsInvalides: [ProfilsDeLEspace.Invalide] = []
    /// Files of the inbox left there because of the profiles (several recognise their name, or
    /// a broken profile was perhaps meant for them): they are taken once the profiles are fixed.
    public var bloquesParLesProfils: [Deplacement] = []

    public var code: CodeSortie {
        var c = importation?.code(enAttenteIllisible: false) ?? .succes
        if rejetsAnterieurs > 0 { c = .pire(c, .rejets) }
        if !erreurs.isEmpty { c = .pire(c, .donneesIllisibles) }
        // A broken profile, or two profiles recognising one file, is an invalid configuration:
        // code 2 of spec/cli.md, the code `importer --profil` and `profil essayer` give for a
        // broken profile. The run still imports and files everything the other profiles and the
        // canonical format handle (one bad file in profils/ must not hold back the month), but
        // it does not end with 0 or 3: an unattended run has to make the scheduler report it,
        // and the files concerned wait in the inbox until the profiles are fixed.
        if !profilsInvalides.isEmpty || !bloquesParLesProfils.isEmpty { c = .pire(c, .usage) }
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
        for r in renommes {
            phrases.append("Le fichier « \(TexteSur.surUneLigne(r.ancien)) », au nom illisible, \(aBlanc ? "serait" : "a été") renommé « \(r.nouveau) »\(aBlanc ? ", puis traité comme les autres (l'exécution à blanc ne le lit pas : il n'est pas compté ci-dessous)" : "").")
        }
        if fichiers == 0 && erreurs.isEmpty {
            if enAttente.isEmpty && bloquesParLesProfils.isEmpty { phrases.append("Aucun nouveau fichier dans le dossier à traiter.") }
        } else {
            let nouveaux = Set(i?.fichiers.filter { $0.erreur == nil && !$0.dejaImporte }.map(\.fichier) ?? []).count
            let deja = Set(i?.fichiers.filter(\.dejaImporte).map(\.fichier) ?? []).count
            let pl = nouveaux > 1 ? "s" : ""
            var p = "\(nouveaux) fichier\(pl) \(aBlanc ? (nouveaux > 1 ? "seraient importés" : "serait importé") : "importé\(pl)")"
            p += " : \(FormatFrancais.pluriel(i?.totalLues ?? 0, "ligne lue", "lignes lues")), \(FormatFrancais.pluriel(i?.totalImportees ?? 0, aBlanc ? "enregistrable" : "enregistrée")), \(FormatFrancais.pluriel(i?.totalRejetees ?? 0, "rejetée"))"
            if deja > 0 { p += " ; \(deja) déjà importé\(deja > 1 ? "s" : "") auparavant (rien de changé)" }
            phrases.append(p + ".")
            let profils = Dictionary(grouping: (i?.fichiers ?? []).filter { $0.profil != nil }, by: { $0.profil! })
                .map { "« \($0.key) » (\(Set($0.value.map(\.fichier)).sorted().joined(separator: ", ")))" }.sorted()
            if !profils.isEmpty { phrases.append("Lu avec le profil \(profils.joined(separator: ", ")).") }
            if !aBlanc && !archives.isEmpty { phrases.append("\(archives.count) fichier\(archives.count > 1 ? "s" : "") archivé\(archives.count > 1 ? "s" : "") dans « \(archives[0].destination.deletingLastPathComponent().path) ».") }
            if !erreurs.isEmpty {
                let pe = erreurs.count > 1 ? "s" : ""
                let verbe = aBlanc ? (erreurs.count > 1 ? "seraient déplacés" : "serait déplacé") : "déplacé\(pe)"
                phrases.append("\(erreurs.count) fichier\(pe) illisible\(pe) \(verbe) dans « erreurs » avec une note expliquant quoi faire : \(erreurs.map { TexteSur.surUneLigne($0.fichier) }.joined(separator: ", ")).")
            }
        }
        if !enAttente.isEmpty {
            let pe = enAttente.count > 1 ? "s" : ""
            phrases.append("\(enAttente.count) fichier\(pe) laissé\(pe) dans « a-traiter » pour la prochaine exécution : " + enAttente.map { "\(TexteSur.surUneLigne($0.fichier)) (\($0.raison ?? ""))" }.joined(separator: ", ") + ".")
        }
        for p in profilsInvalides {
            phrases.append("Attention : \(p.avertissement)")
        }
        if !bloquesParLesProfils.isEmpty {
            let pb = bloquesParLesProfils.count > 1 ? "s" : ""
            phrases.append("\(bloquesParLesProfils.count) fichier\(pb) laissé\(pb) dans « a-traiter » à cause des profils de correspondance, repris à la prochaine exécution une fois les profils corrigés : "
                           + bloquesParLesProfils.map { "\(TexteSur.surUneLigne($0.fichier)) (\($0.raison ?? ""))" }.joined(separator: " ; ") + ".")
        }
        if !caches.isEmpty {
            phrases.append("Fichier\(caches.count > 1 ? "s" : "") caché\(caches.count > 1 ? "s" : "") laissé\(caches.count > 1 ? "s" : "") de côté (nom commençant par un point ; renommez-le pour l'importer) : \(caches.map(TexteSur.surUneLigne).joined(separator: ", ")).")
        }
        if rejetsAnterieurs > 0 {
            phrases.append("Signalées maintenant : \(FormatFrancais.pluriel(rejetsAnterieurs, "ligne rejetée", "lignes rejetées")) par une exécution précédente arrêtée après son import (elles sont enregistrées avec leur motif, dans la liste des lignes à corriger).")
        }
        if !aBlanc, let aCorriger {
            phrases.append("État actuel : \(FormatFrancais.pluriel(rejetsCourants, "ligne rejetée", "lignes rejetées")) et \(FormatFrancais.pluriel(avertissementsCourants, "avertissement")) à corriger, listés dans « \(aCorriger.path) ».")
        }
        if aBlanc {
            phrases.append("Le tableau de bord et les rapports de l'année \(mois.annee) seraient rafraîchis.")
        } else if rapportsAJour {
            phrases.append("Rapports et tableau de bord déjà à jour (aucune donnée nouvelle).")
        } else if !rapports.isEmpty {
            phrases.append("Rapports de l'année \(mois.annee) et tableau de bord rafraîchis dans « \(rapports[0].deletingLastPathComponent().path) ».")
        }
        for a in anneesRafraichies {
            phrases.append("Des données de \(a) ont changé depuis ses rapports (décisions tardives, corrections) : les rapports \(a) et le tableau de bord de décembre \(a) ont été réécrits. S'ils ont déjà été envoyés, leurs chiffres ont pu changer : envoyez les nouveaux.")
        }
        if let journal { phrases.append("Journal : \(journal.path).") }
        return phrases.joined(separator: " ")
    }
}

/// A monthly run that stopped after its import was committed (a file could not be filed, a
/// report not written): what it did so far, for the summary, and why it stopped. The next run
/// files what is left and writes the reports.
public struct ExecutionInterrompue: Error {
    public var bilan: BilanExecution
    public var cause: Error
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
        do {
            try FileManager.default.createDirectory(at: espace.dossierATraiter, withIntermediateDirectories: true)
        } catch {
            throw ErreurObservatoire.ecriture(espace.dossierATraiter.path, erreur: error)
        }
        // Every folder the run writes to, before anything is imported: a read-only archive
        // (or inbox, whose files are moved) would otherwise stop the run after the commit, every
        // month. Created when missing (not in a dry run).
        if !options.aBlanc {
            for dossier in [espace.dossierATraiter, espace.dossierArchives, espace.dossierErreurs, espace.dossierRapports] {
                do {
                    try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
                } catch {
                    throw ErreurObservatoire.ecriture(dossier.path, erreur: error)
                }
                if access(dossier.path, W_OK | X_OK) != 0 {
                    throw ErreurObservatoire(.ecritureImpossible, "Le dossier « \(dossier.path) » n'est pas accessible en écriture : rien n'a été importé.",
                                             conseil: "Donnez au compte « \(MessageSysteme.compte) » le droit d'écrire dans ce dossier, puis relancez.")
                }
            }
        }
        var inventaire = try BoiteDeDepot.inventorier(espace.dossierATraiter, delaiStabilite: options.delaiStabilite, maintenant: Date(),
                                                     aBlanc: options.aBlanc, journal: journal)
        inventaire.revoirDatesFutures(delai: options.delaiStabilite)
        bilan.caches = inventaire.caches
        bilan.renommes = inventaire.renommes
        for e in inventaire.enAttente {
            bilan.enAttente.append(.init(fichier: e.nom, destination: espace.dossierATraiter.appendingPathComponent(e.nom), raison: e.raison))
            journal.info("fichier laissé pour la prochaine exécution", metadata: ["fichier": "\(e.nom)", "raison": "\(e.raison)"])
        }
        // Every valid profile is offered; a broken one is reported and left out (see `code`).
        let profils = ProfilsDeLEspace.charger(espace)
        bilan.profilsInvalides = profils.invalides
        for p in profils.invalides {
            journal.warning("profil invalide, non utilisé", metadata: ["profil": "\(p.url.lastPathComponent)", "erreur": "\(p.erreur.message)"])
        }
        // A file that several profiles recognise is not given to one of them silently: it waits.
        let (aImporter, ambigus) = profils.repartir(inventaire.aImporter.map(\.url))
        for b in ambigus {
            let raison = b.erreur.map { "\($0.raison). \($0.conseil)" } ?? ""
            bilan.bloquesParLesProfils.append(.init(fichier: b.fichier, destination: b.chemin, raison: raison))
            journal.warning("fichier reconnu par plusieurs profils, laissé dans a-traiter", metadata: ["fichier": "\(b.fichier)"])
        }
        // A dry run on a workspace without a database yet works on a throwaway one.
        let nouvelleBase = FichierSur.existe(espace.baseDeDonnees.path) == false
        let urlBase = options.aBlanc && nouvelleBase
            ? FileManager.default.temporaryDirectory.appendingPathComponent("c360-a-blanc-\(UUID().uuidString).sqlite")
            : espace.baseDeDonnees
        defer { if urlBase != espace.baseDeDonnees { try? FileManager.default.removeItem(at: urlBase) } }
        let base = try Base.ouvrir(urlBase, espace: espace)
        if !aImporter.isEmpty {
            for url in aImporter { options.entreDeuxRegards?(url) }
            var o = OptionsImport()
            o.aujourdhui = options.aujourdhui
            o.profils = profils.valides
            o.profilsInvalides = !profils.invalides.isEmpty
            o.simulation = options.aBlanc
            o.signalerRejets = true
            o.identites = Dictionary(inventaire.aImporter.map { ($0.url.path, $0.identite) }, uniquingKeysWith: { a, _ in a })
            // Files not read in this run hold back the files that point to their tables.
            for nom in inventaire.enAttente.map(\.nom) + inventaire.aMettreDeCote.map(\.nom) + ambigus.map(\.fichier) {
                for t in Importeur.tablesSelonNom(nom, options: o) where o.tablesEnAttente[t] == nil { o.tablesEnAttente[t] = nom }
            }
            bilan.importation = try Importeur(espace: espace, base: base, journal: journal).importer(aImporter, options: o)
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
            if let e = siens.compactMap(\.erreur).first(where: \.enAttente) {
                // Still being written: nothing of it was kept, it stays for the next run.
                bilan.enAttente.append(.init(fichier: f.fichier, destination: f.chemin, raison: e.raison))
                journal.info("fichier laissé pour la prochaine exécution", metadata: ["fichier": "\(f.fichier)", "raison": "\(e.raison)"])
            } else if let e = siens.compactMap(\.erreur).first, profils.peutReleverDUnProfilInvalide(f) {
                // Perhaps meant for the broken profile: it waits in the inbox for it to be fixed.
                bilan.bloquesParLesProfils.append(.init(fichier: f.fichier, destination: f.chemin,
                                                        raison: "\(e.raison) ; le profil invalide \(profils.fichiersInvalides) devait peut-être le lire : corrigez-le"))
                journal.warning("fichier laissé dans a-traiter : un profil invalide devait peut-être le lire", metadata: ["fichier": "\(f.fichier)"])
            } else if let e = siens.compactMap(\.erreur).first {
                let importees = siens.filter { $0.erreur == nil && $0.importees > 0 }.compactMap { $0.table?.libelle }
                let partiel = importees.isEmpty ? " Rien de ce fichier n'a été importé." : " Les autres parties du fichier ont été importées (\(importees.joined(separator: ", "))) ; redéposer le fichier corrigé ne les comptera pas deux fois."
                bilan.erreurs.append(.init(fichier: f.fichier, destination: espace.dossierErreurs.appendingPathComponent(f.fichier),
                                           raison: "\(e.raison). \(e.conseil)\(partiel)"))
            } else {
                bilan.archives.append(.init(fichier: f.fichier, destination: dossierArchive.appendingPathComponent(f.fichier), raison: nil))
            }
        }
        for e in inventaire.aMettreDeCote {
            bilan.erreurs.append(.init(fichier: e.nom, destination: espace.dossierErreurs.appendingPathComponent(e.nom), raison: e.raison + "."))
        }
        if options.aBlanc { return bilan }
        do {
            try ranger(&bilan, espace: espace, options: options, inventaire: inventaire, dossierArchive: dossierArchive, base: base, journal: journal)
        } catch {
            journal.error("exécution interrompue après l'import", metadata: ["erreur": "\(error)"])
            throw ExecutionInterrompue(bilan: bilan, cause: error)
        }
        // The run has ended: the rows its imports rejected (and those of earlier runs stopped
        // after their import) are signalled now, by its exit code.
        do {
            let aSignaler = try base.file.write { db in Int(try Ecrivain(db).prendreMeta(Importeur.rejetsASignaler) ?? "") ?? 0 }
            // Only what is still to fix: rows corrected since (the file dropped again) are no
            // longer rejected (the regression review's L5).
            bilan.rejetsAnterieurs = min(max(0, aSignaler - (bilan.importation?.totalRejetees ?? 0)), bilan.rejetsCourants)
        } catch {
            throw ExecutionInterrompue(bilan: bilan, cause: Base.erreurFrancaise(error) ?? error)
        }
        journal.info("fin de l'exécution", metadata: ["code": "\(bilan.code.rawValue)"])
        return bilan
    }

    /// Steps 2 and 3 of the run, once the import is committed: file the files, then refresh
    /// the reports.
    static func ranger(_ bilan: inout BilanExecution, espace: EspaceDeTravail, options: OptionsExecution, inventaire: Inventaire,
                       dossierArchive: URL, base: Base, journal: Logger) throws {
        // A file changed since it was read (rows appended, or another file put in its place by
        // `mv`, as uploads finish) holds what was not imported: it stays in the inbox and is
        // read again by the next run (rows already stored are updated, not doubled).
        options.avantArchivage?()
        let identites = Dictionary(inventaire.aImporter.map { ($0.url.lastPathComponent, $0.identite) }, uniquingKeysWith: { a, _ in a })
        let aArchiver = bilan.archives
        bilan.archives = []
        for a in aArchiver {
            let source = espace.dossierATraiter.appendingPathComponent(a.fichier)
            if let lue = identites[a.fichier], IdentiteFichier.regarder(source.path) != lue {
                let raison = "modifié (ou remplacé) depuis sa lecture : ce qui a été lu est enregistré, le fichier sera relu à la prochaine exécution"
                bilan.enAttente.append(.init(fichier: a.fichier, destination: source, raison: raison))
                journal.warning("fichier modifié après sa lecture, laissé dans a-traiter", metadata: ["fichier": "\(a.fichier)"])
                continue
            }
            let empreinte = bilan.importation?.fichiers.first { $0.fichier == a.fichier }?.empreinte
            var archive = a
            archive.destination = try archiver(source, dans: dossierArchive, empreinte: empreinte)
            bilan.archives.append(archive)
            journal.info("fichier archivé", metadata: ["fichier": "\(a.fichier)", "vers": "\(archive.destination.path)"])
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
        // Named in the summary only once it is there (written now, or up to date).
        if qualite.problemes.isEmpty { try? FileManager.default.removeItem(at: aCorriger) }
        // Up to date when the data, month and configuration are the same as last time, and every
        // report written then is still there (reports deleted by hand are written again).
        let ancien = (try? FichierSur.lireTexte(fichierEtat, limite: 1 << 16)) ?? ""
        let lignesEtat = ancien.split(separator: "\n", omittingEmptySubsequences: false)
        let ecrits = lignesEtat.first { $0.hasPrefix("rapports=") }.map { $0.dropFirst("rapports=".count).split(separator: "\t").map(String.init) } ?? []
        let tousPresents = !ecrits.isEmpty && ecrits.allSatisfy { FichierSur.existe(espace.dossierRapports.appendingPathComponent($0).path) == true }
        if lignesEtat.first.map({ String($0) + "\n" }) == etat, tousPresents,
           qualite.problemes.isEmpty || FichierSur.existe(aCorriger.path) == true {
            bilan.rapportsAJour = true
            if !qualite.problemes.isEmpty { bilan.aCorriger = aCorriger }
            journal.info("rapports déjà à jour")
        } else {
            let extraction = Date()
            // An earlier year whose data changed since its reports were written (late decisions
            // of December typed in January, a correction) gets them again, as of its December,
            // before this year's (which print it as the year before).
            var annees: [Int: String] = [:]
            for ligne in lignesEtat where ligne.hasPrefix("annee=") {
                let champs = ligne.dropFirst("annee=".count).split(separator: "\t", maxSplits: 1).map(String.init)
                if champs.count == 2, let a = Int(champs[0]), a < options.mois.annee { annees[a] = champs[1] }
            }
            for (a, avant) in annees.sorted(by: { $0.key < $1.key }) {
                let maintenant = try empreinteAnnee(a, base: base)
                guard maintenant != avant else { continue }
                bilan.rapports += try ecrireRapports(espace: espace, base: base, mois: Jour(annee: a, mois: 12, jour: 1)!, extraction: extraction)
                bilan.anneesRafraichies.append(a)
                annees[a] = maintenant
                journal.info("rapports d'une année passée réécrits (ses données ont changé)", metadata: ["annee": "\(a)"])
            }
            annees[options.mois.annee] = try empreinteAnnee(options.mois.annee, base: base)
            bilan.rapports += try ecrireRapports(espace: espace, base: base, mois: options.mois, extraction: extraction)
            if !qualite.problemes.isEmpty {
                try ExportRejets.xlsx(qualite, chemin: aCorriger, nomC360: espace.configuration.nom, extraction: extraction)
                bilan.aCorriger = aCorriger
                journal.info("lignes à corriger écrites", metadata: ["rejets": "\(qualite.totalRejetees)", "avertissements": "\(qualite.totalAvertissements)"])
            }
            let noms = bilan.rapports.filter { $0.deletingLastPathComponent().standardizedFileURL.path == espace.dossierRapports.standardizedFileURL.path }
                .map(\.lastPathComponent)
            let lignesAnnees = annees.sorted { $0.key < $1.key }.map { "annee=\($0.key)\t\($0.value)\n" }.joined()
            do {
                try (etat + "rapports=" + noms.joined(separator: "\t") + "\n" + lignesAnnees).write(to: fichierEtat, atomically: true, encoding: .utf8)
            } catch {
                throw ErreurObservatoire.ecriture(fichierEtat.path, erreur: error)
            }
            journal.info("rapports rafraîchis", metadata: ["fichiers": "\(bilan.rapports.count)"])
        }
    }

    /// The internal and external reports of the year of `mois`, up to it, and the COTER's
    /// dashboard of that month.
    static func ecrireRapports(espace: EspaceDeTravail, base: Base, mois: Jour, extraction: Date) throws -> [URL] {
        var ecrits: [URL] = []
        for diffusion in [Diffusion.interne, .externe] {
            ecrits += try Publication.rapport(espace: espace, base: base, annee: mois.annee, formats: [.xlsx, .html],
                                              diffusion: diffusion, dossier: espace.dossierRapports, extraction: extraction)
        }
        ecrits += try Publication.tableauDeBord(espace: espace, base: base, jusqua: mois, diffusion: .externe,
                                                dossier: espace.dossierRapports, extraction: extraction)
        return ecrits
    }

    /// What a year's reports read of the base, as a short fingerprint: the year's requests, the
    /// propositions asked, made or decided that year, the actors referenced and the posts held
    /// during the year, and the year's core members (each table's row count and the sum of its rows' fingerprints, cut to 28 bits so
    /// that the sum cannot overflow). Another value means another report.
    static func empreinteAnnee(_ annee: Int, base: Base) throws -> String {
        let (debut, fin) = ("\(annee)-01-01", "\(annee)-12-31")
        func partie(_ table: String, _ condition: String) -> String {
            "(SELECT count(*) || ':' || coalesce(sum(coalesce(empreinte_ligne, 0) & 268435455), 0) FROM \(table) WHERE \(condition))"
        }
        let sql = [
            partie("sollicitations", "date_sollicitation BETWEEN :debut AND :fin"),
            partie("propositions", "date_sollicitation BETWEEN :debut AND :fin OR date_proposition BETWEEN :debut AND :fin OR date_decision BETWEEN :debut AND :fin"),
            // The actors referenced and the posts held during the year: a partner added the
            // next year changes none of its figures (the regression review's M3).
            partie("acteurs", "date_referencement <= :fin AND (date_sortie IS NULL OR date_sortie >= :debut)"),
            partie("equipe", "date_debut <= :fin AND (date_fin IS NULL OR date_fin >= :debut)"),
            partie("membres_coeur", "annee = :annee"),
        ].joined(separator: " || '/' || ")
        return try base.file.read { db in
            try String.fetchOne(db, sql: "SELECT " + sql, arguments: ["debut": debut, "fin": fin, "annee": annee]) ?? ""
        }
    }

    /// What the reports depend on: the data (the import ledger), the month, the configuration,
    /// the templates, and the program's version.
    static func etatDesDonnees(espace: EspaceDeTravail, base: Base, mois: Jour) throws -> String {
        let donnees = try base.file.read { db in
            try String.fetchOne(db, sql: "SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(fin), '') FROM imports") ?? ""
        }
        var h = SHA256()
        // Read as the reports read them: regular files only, never through a link or a FIFO.
        func contenu(_ u: URL) -> Data {
            do { return try FichierSur.lireDonnees(u, limite: 8 << 20) } catch { return Data("illisible:\(u.lastPathComponent)".utf8) }
        }
        h.update(data: contenu(espace.fichierConfiguration))
        if let modeles = try? FileManager.default.contentsOfDirectory(at: espace.dossierModeles, includingPropertiesForKeys: nil) {
            for m in modeles.sorted(by: { $0.path < $1.path }) { h.update(data: Data(m.lastPathComponent.utf8)); h.update(data: contenu(m)) }
        }
        h.update(data: contenu(espace.fichierRecit))
        let configuration = h.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
        return "mois=\(mois.iso.prefix(7)) donnees=\(donnees) configuration=\(configuration) version=\(Version.courante)\n"
    }

    /// Moves an imported file to the month's archive; a different file of the same name already
    /// there keeps its place (the new one gets its content hash in its name). A `.sha256` file
    /// beside it records the content hash: written first, so that a run stopped in between
    /// leaves the file in the inbox with a checksum waiting for it (the next run files it and
    /// writes the checksum again), never an archived file without its checksum.
    static func archiver(_ source: URL, dans dossier: URL, empreinte: String?) throws -> URL {
        let fm = FileManager.default
        let nom = source.lastPathComponent
        do {
            try fm.createDirectory(at: dossier, withIntermediateDirectories: true)
            // Room is left for the hash suffix and the `.sha256` beside it (255 bytes at most).
            var cible = NomsDeFichiers.borner(nom, reserve: 20)
            // The same bytes already filed under this name this month (a file dropped again):
            // the inbox copy goes, rather than a second copy in the archive.
            if let empreinte, FichierSur.existe(dossier.appendingPathComponent(cible).path) == true,
               let deja = try? FichierSur.lireTexte(dossier.appendingPathComponent(cible).appendingPathExtension("sha256"), limite: 4096),
               deja.hasPrefix(empreinte + "  ") {
                if unlink(source.path) == 0 { return dossier.appendingPathComponent(cible) }
            }
            if FichierSur.existe(dossier.appendingPathComponent(cible).path) != false {
                let court = String((empreinte ?? UUID().uuidString).prefix(12))
                cible = NomsDeFichiers.avecSuffixe(cible, "-" + court, reserve: 7)
                if FichierSur.existe(dossier.appendingPathComponent(cible).path) != false { try fm.removeItem(at: dossier.appendingPathComponent(cible)) }
            }
            let destination = dossier.appendingPathComponent(cible)
            let somme = destination.appendingPathExtension("sha256")
            if let empreinte {
                try FichierPrive.ecrire(Data("\(empreinte)  \(destination.lastPathComponent)\n".utf8), vers: somme)
                // Crash tests stop the run here, at a deterministic point.
                if ProcessInfo.processInfo.environment["C360_TEST_ARRET_ARCHIVAGE"] == "1" { kill(getpid(), SIGKILL) }
            }
            do {
                try deplacer(source, vers: destination)
            } catch {
                if empreinte != nil { try? fm.removeItem(at: somme) }
                throw error
            }
            return destination
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, "archivage de « \(TexteSur.surUneLigne(nom)) » impossible (\(MessageSysteme.francais(error)))")
        }
    }

    /// An export filed away holds the tracker's own columns (names, telephone numbers): readable
    /// by its owner only (0600), whatever mode it had in the inbox — the archive may be configured
    /// outside the workspace. Only a regular file (a link filed as a link is left alone: `chmod`
    /// would follow it).
    static func prive(_ destination: URL) {
        var s = stat()
        if lstat(destination.path, &s) == 0, s.st_mode & S_IFMT == S_IFREG { chmod(destination.path, 0o600) }
    }

    /// Moves an entry of the inbox — a file, a link as a link, a FIFO, a folder — without ever
    /// opening it (`rename`); a copy only for a regular file on another disk.
    static func deplacer(_ source: URL, vers destination: URL) throws {
        if rename(source.path, destination.path) == 0 {
            prive(destination)
            return
        }
        let e = errno
        var s = stat()
        if e == EXDEV, lstat(source.path, &s) == 0, s.st_mode & S_IFMT == S_IFREG {
            try FileManager.default.moveItem(at: source, to: destination)
            prive(destination)
            return
        }
        throw NSError(domain: NSPOSIXErrorDomain, code: Int(e))
    }

    /// Moves an unreadable entry to `erreurs/` with a French note beside it.
    static func mettreEnErreur(_ source: URL, dans dossier: URL, raison: String, le jour: Jour) throws -> URL {
        let fm = FileManager.default
        let nom = source.lastPathComponent
        do {
            try fm.createDirectory(at: dossier, withIntermediateDirectories: true)
            let base = NomsDeFichiers.borner(nom, reserve: 12)
            var destination = dossier.appendingPathComponent(base)
            var n = 1
            while FichierSur.existe(destination.path) != false || FichierSur.existe(destination.path + ".txt") != false {
                n += 1
                destination = dossier.appendingPathComponent(NomsDeFichiers.avecSuffixe(base, "-\(n)", reserve: 4))
            }
            try deplacer(source, vers: destination)
            let note = """
            Fichier : \(TexteSur.surUneLigne(nom))
            Déposé dans « a-traiter », mis de côté le \(jour.francais) par l'exécution mensuelle de c360.

            Pourquoi : \(TexteSur.surUneLigne(raison))

            Que faire : ce que dit la raison ci-dessus. Le plus souvent, corrigez le fichier (ou exportez-le à nouveau depuis l'outil de suivi), puis déposez-le de nouveau dans le dossier « a-traiter » ; il sera importé à la prochaine exécution. Vous pouvez ensuite supprimer ce fichier et cette note.

            """
            try FichierPrive.ecrire(Data(note.utf8), vers: URL(fileURLWithPath: destination.path + ".txt"))
            return destination
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, "déplacement de « \(TexteSur.surUneLigne(nom)) » impossible (\(MessageSysteme.francais(error)))")
        }
    }
}
