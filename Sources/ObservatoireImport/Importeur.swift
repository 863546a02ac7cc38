import Crypto
import Foundation
import GRDB
import Logging
import ObservatoireCore
import ObservatoireStore

/// What happened to one file of an import.
public struct BilanFichier: Sendable {
    public var fichier: String
    public var chemin: URL
    public var table: TableCanonique?
    public var lues = 0
    public var importees = 0
    public var rejetees = 0
    public var lignesVides = 0
    public var dejaImporte = false
    /// Rejected rows by rule name.
    public var motifs: [String: Int] = [:]
    /// The first rejects, to show in the summary.
    public var exemples: [Rejet] = []
    /// Header columns that are not in the spec (ignored, never stored).
    public var colonnesIgnorees: [String] = []
    /// What the reader found (format, separator, encoding).
    public var format: String = ""
    /// The mapping profile applied, if any.
    public var profil: String?
    public var empreinte: String?
    /// Why the whole file could not be read (nothing of it stored).
    public var erreur: FichierIllisible?

    public init(fichier: String, chemin: URL) {
        self.fichier = fichier
        self.chemin = chemin
    }
}

/// What an import run did.
public struct BilanImport: Sendable {
    public init() {}

    public var fichiers: [BilanFichier] = []
    /// Files given (inside a folder) that are not exports (.csv, .txt, .xlsx): skipped.
    public var ignores: [String] = []
    /// Notes for the user (a key created…).
    public var notes: [String] = []
    /// The run was refused as a whole (`--strict` with rejects): nothing was stored.
    public var annule = false

    /// The exit code of `spec/cli.md`: 65 when a file was unreadable, 3 when rows were
    /// rejected, 0 otherwise.
    public var code: CodeSortie {
        var c = CodeSortie.succes
        for f in fichiers {
            if f.erreur != nil { c = .pire(c, .donneesIllisibles) }
            if f.rejetees > 0 { c = .pire(c, .rejets) }
        }
        if annule { c = .pire(c, .donneesIllisibles) }
        return c
    }

    public var totalLues: Int { fichiers.reduce(0) { $0 + $1.lues } }
    public var totalImportees: Int { fichiers.reduce(0) { $0 + $1.importees } }
    public var totalRejetees: Int { fichiers.reduce(0) { $0 + $1.rejetees } }
}

/// A record after the reader stage: the row validated or rejected.
struct LigneValidee {
    let ligne: Int
    let resultat: Result<Enregistrement, Rejet>
    /// The row's identifier, for the duplicate message.
    let identifiant: String
}

enum MessageLecture {
    case lignes([LigneValidee], octetsLus: Int)
    case fin(lignesVides: Int)
    case erreur(Error)
}

/// A bounded pipe between two threads: `envoyer` waits while it is full, `recevoir` while it is
/// empty; `annuler` releases both sides.
final class Tuyau<T>: @unchecked Sendable {
    private var file: [T] = []
    private let capacite: Int
    private let condition = NSCondition()
    private var annule = false

    init(capacite: Int) { self.capacite = capacite }

    var estAnnule: Bool {
        condition.lock(); defer { condition.unlock() }
        return annule
    }

    func envoyer(_ t: T) {
        condition.lock(); defer { condition.unlock() }
        while file.count >= capacite && !annule { condition.wait() }
        if annule { return }
        file.append(t)
        condition.broadcast()
    }

    /// The next message, or nil once cancelled.
    func recevoir() -> T? {
        condition.lock(); defer { condition.unlock() }
        while file.isEmpty && !annule { condition.wait() }
        if file.isEmpty { return nil }
        let t = file.removeFirst()
        condition.broadcast()
        return t
    }

    func annuler() {
        condition.lock(); defer { condition.unlock() }
        annule = true
        file.removeAll()
        condition.broadcast()
    }
}

/// Options of an import run.
public struct OptionsImport {
    /// Forces the table of every file (`--table`).
    public var table: TableCanonique?
    /// A mapping profile for non-canonical exports (`--profil`), applied to every file.
    public var profil: ProfilCorrespondance?
    /// Profiles chosen file by file, by the file-name patterns they declare (the monthly run
    /// offers every profile of the workspace).
    public var profils: [ProfilCorrespondance] = []
    /// Everything is checked and counted, then rolled back: nothing changes (`--a-blanc`).
    public var simulation = false
    /// Any rejected row cancels the whole run (`--strict`).
    public var strict = false
    /// Imports files even when the same content was already imported (`--forcer`).
    public var forcer = false
    /// The day dates are checked against (future dates are rejected).
    public var aujourdhui = Jour.aujourdhui()
    /// Called after each stored row with the number of rows stored so far in the run; a test
    /// throws from it to simulate a crash in the middle of an import.
    public var apresChaqueLigne: ((Int) throws -> Void)?

    public init() {}
}

/// The import stage: read → validate → store, for a set of export files, in one transaction.
///
/// - Files are imported in dependency order (`acteurs`, `equipe`, `membres_coeur`,
///   `sollicitations`, `propositions`), whatever the order given.
/// - Nothing is lost: every record read is stored or rejected with its reason
///   (`lues = importees + rejetees` for each file).
/// - The run commits entirely or not at all; a file whose content was already imported changes
///   nothing (`dejaImporte`).
///
/// ```swift
/// let bilan = try Importeur(espace: espace, base: base).importer([dossier], options: OptionsImport())
/// bilan.code   // .succes, .rejets or .donneesIllisibles
/// ```
public final class Importeur {
    public let espace: EspaceDeTravail
    public let base: Base
    public var journal: Logger

    public init(espace: EspaceDeTravail, base: Base, journal: Logger = Journal.muet) {
        self.espace = espace
        self.base = base
        self.journal = journal
    }

    static let extensions: Set<String> = ["csv", "txt", "xlsx", "xls", "xlsm", "ods"]

    /// The export files designated by `chemins` (a folder stands for the files in it), and the
    /// other files found in those folders.
    public static func fichiers(_ chemins: [URL]) throws -> (fichiers: [URL], ignores: [String]) {
        var fichiers: [URL] = []
        var ignores: [String] = []
        let fm = FileManager.default
        for chemin in chemins {
            var estDossier: ObjCBool = false
            guard fm.fileExists(atPath: chemin.path, isDirectory: &estDossier) else {
                throw ErreurObservatoire(.usage, "Le fichier ou dossier « \(chemin.path) » n'existe pas.",
                                         conseil: "Vérifiez le chemin indiqué (les noms avec des espaces doivent être entre guillemets).")
            }
            if estDossier.boolValue {
                let contenu = try fm.contentsOfDirectory(at: chemin, includingPropertiesForKeys: [.isRegularFileKey])
                    .filter { !$0.lastPathComponent.hasPrefix(".") }
                    .sorted { $0.lastPathComponent < $1.lastPathComponent }
                for f in contenu {
                    var sousDossier: ObjCBool = false
                    _ = fm.fileExists(atPath: f.path, isDirectory: &sousDossier)
                    if sousDossier.boolValue { continue }
                    if extensions.contains(f.pathExtension.lowercased()) { fichiers.append(f) } else { ignores.append(f.lastPathComponent) }
                }
            } else {
                fichiers.append(chemin)
            }
        }
        return (fichiers, ignores)
    }

    /// Imports the files, in one transaction.
    public func importer(_ chemins: [URL], options: OptionsImport = OptionsImport()) throws -> BilanImport {
        let (urls, ignores) = try Importeur.fichiers(chemins)
        var bilan = BilanImport()
        bilan.ignores = ignores

        // Open every file first: its table decides the order.
        var ouverts: [(BilanFichier, SourceTabulaire?, Correspondance?, ProfilCorrespondance?)] = []
        for url in urls {
            var b = BilanFichier(fichier: url.lastPathComponent, chemin: url)
            let profil = options.profil ?? options.profils.first { $0.reconnait(url.lastPathComponent) }
            b.profil = profil?.nom
            do {
                let (source, correspondance) = try ouvrir(url, options: options, profil: profil)
                b.table = correspondance.table
                b.format = source.description
                b.colonnesIgnorees = correspondance.ignorees
                ouverts.append((b, source, correspondance, profil))
            } catch let e as FichierIllisible {
                b.erreur = e
                journal.warning("fichier illisible", metadata: ["fichier": "\(b.fichier)", "raison": "\(e.raison)"])
                ouverts.append((b, nil, nil, profil))
            }
        }
        ouverts.sort { a, b in
            let ta = a.0.table ?? .propositions, tb = b.0.table ?? .propositions
            return ta != tb ? ta < tb : a.0.fichier < b.0.fichier
        }

        let execution = UUID().uuidString.lowercased()
        let total = ouverts.reduce(0) { $0 + ($1.1?.tailleTotale ?? 0) }
        let progression = Progression(titre: "Import", total: total)
        var dejaLus = 0
        var compteurLignes = 0
        let pseudonymiseur = try preparerPseudonymiseur(&bilan, simulation: options.simulation)

        do {
            // Foreign keys are not enforced while importing: the validation has already checked
            // every reference (a proposition's request, its actor), and checking them twice
            // cost about a tenth of the import. The schema still declares them.
            try base.file.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                try db.inTransaction(.immediate) {
                    try importerTout(db)
                    return .commit
                }
            }
        } catch is Simulation {
            journal.info("simulation : rien n'a été enregistré")
        } catch is AnnulationStricte {
            journal.warning("import annulé (--strict) : des lignes ont été rejetées")
        } catch let e as DatabaseError {
            progression.terminer()
            throw Base.erreurFrancaise(e, chemin: base.url.path, pendant: "l'import", intacte: true)
        }
        progression.terminer()
        return bilan

        func importerTout(_ db: Database) throws {
            let ecrivain = Ecrivain(db)
            try verifierCle(ecrivain, pseudonymiseur: pseudonymiseur)
            for (bilanFichier, source, correspondance, profil) in ouverts {
                var b = bilanFichier
                guard let source, let correspondance else {
                    bilan.fichiers.append(b)
                    continue
                }
                do {
                    try db.inSavepoint {
                        try importerFichier(source, correspondance, &b, ecrivain: ecrivain, execution: execution,
                                            pseudonymiseur: pseudonymiseur, profil: profil, options: options,
                                            progression: { progression.avancer(jusqua: dejaLus + $0) },
                                            compteur: &compteurLignes)
                        return b.dejaImporte ? .rollback : .commit
                    }
                } catch let e as FichierIllisible {
                    b = BilanFichier(fichier: b.fichier, chemin: b.chemin)
                    b.table = correspondance.table
                    b.erreur = e
                }
                if b.dejaImporte {
                    let (table, nomProfil, empreinte) = (b.table, b.profil, b.empreinte)
                    b = BilanFichier(fichier: b.fichier, chemin: b.chemin)
                    b.table = table
                    b.profil = nomProfil
                    b.empreinte = empreinte
                    b.dejaImporte = true
                    b.format = source.description
                }
                dejaLus += source.tailleTotale
                bilan.fichiers.append(b)
                journal.info("fichier traité", metadata: [
                    "fichier": "\(b.fichier)", "table": "\(b.table?.rawValue ?? "?")", "lues": "\(b.lues)",
                    "importees": "\(b.importees)", "rejetees": "\(b.rejetees)", "deja_importe": "\(b.dejaImporte)",
                ])
            }
            if options.strict && bilan.totalRejetees > 0 {
                bilan.annule = true
                throw AnnulationStricte()
            }
            if options.simulation { throw Simulation() }
        }
    }

    private struct AnnulationStricte: Error {}
    private struct Simulation: Error {}

    // MARK: - Opening a file

    /// Opens a file as a table source and maps its header.
    func ouvrir(_ url: URL, options: OptionsImport, profil: ProfilCorrespondance?) throws -> (SourceTabulaire, Correspondance) {
        let nom = url.lastPathComponent
        let ext = url.pathExtension.lowercased()
        let profilTable = profil?.regles(pourFichier: nom, table: options.table)
        let source: SourceTabulaire
        switch ext {
        case "xlsx", "xlsm":
            source = try LecteurXLSX(url: url, feuille: profilTable?.feuille, autresNoms: Array((profilTable?.renommages ?? [:]).keys))
        case "xls":
            throw FichierIllisible.xls(nom)
        case "ods":
            throw FichierIllisible(fichier: nom, raison: "c'est un classeur OpenDocument (.ods), format non pris en charge",
                                   conseil: FichierIllisible.reenregistrer)
        default:
            source = try LecteurCSV(url: url)
        }
        let renommages = profilTable?.renommages ?? [:]
        guard let table = options.table ?? profilTable?.table ?? TableCanonique.depuisNomDeFichier(nom)
                ?? Correspondance.tableDepuisEntete(source.entete, renommages: renommages) else {
            throw FichierIllisible(fichier: nom,
                                   raison: "impossible de savoir à quelle table il correspond (ni son nom ni ses colonnes ne le disent)",
                                   conseil: "Nommez le fichier d'après sa table (sollicitations, propositions, acteurs, equipe, membres_coeur) ou indiquez --table.")
        }
        let correspondance = try Correspondance.etablir(entete: source.entete, table: table, fichier: nom,
                                                        renommages: renommages, constantes: profilTable?.constantes ?? [:])
        return (source, correspondance)
    }

    // MARK: - Key

    private func preparerPseudonymiseur(_ bilan: inout BilanImport, simulation: Bool) throws -> Pseudonymiseur {
        let url = espace.fichierCle
        if let cle = try ClePseudonymisation.lire(url) {
            if ClePseudonymisation.droitsTropOuverts(url) {
                bilan.notes.append("Attention : la clé « \(url.path) » est lisible par d'autres comptes ; restreignez ses droits (chmod 600).")
            }
            return Pseudonymiseur(cle: cle)
        }
        let contientDesPersonnes = try base.file.read { db in try Ecrivain(db).contientDesPersonnes() }
        if contientDesPersonnes {
            throw ErreurObservatoire(.usage,
                "La clé de pseudonymisation « \(url.path) » est introuvable alors que la base contient déjà des personnes.",
                conseil: "Restaurez la clé depuis votre sauvegarde. c360 refuse d'en créer une nouvelle : les personnes déjà enregistrées ne pourraient plus être reconnues.")
        }
        if simulation {
            // A dry run writes nothing, not even a key: a throwaway one is enough to count.
            var g = SystemRandomNumberGenerator()
            return Pseudonymiseur(cle: ClePseudonymisation(octets: (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }))
        }
        let cle = try ClePseudonymisation.creer(url)
        bilan.notes.append("Clé de pseudonymisation créée : « \(url.path) ». Sauvegardez-la à part : sans elle, les imports suivants ne pourront pas reconnaître les mêmes personnes.")
        journal.notice("clé de pseudonymisation créée")
        return Pseudonymiseur(cle: cle)
    }

    /// The database remembers a fingerprint of the key its pseudonyms were made with; another
    /// key is refused.
    private func verifierCle(_ ecrivain: Ecrivain, pseudonymiseur: Pseudonymiseur) throws {
        let empreinte = String(pseudonymiseur.pseudonyme("c360:empreinte-de-cle").prefix(16))
        if let connue = try ecrivain.meta("empreinte_cle") {
            guard connue == empreinte else {
                throw ErreurObservatoire(.usage,
                    "La clé de pseudonymisation « \(espace.fichierCle.path) » n'est pas celle avec laquelle la base a été remplie.",
                    conseil: "Restaurez la clé d'origine depuis votre sauvegarde ; rien n'a été importé.")
            }
        } else {
            try ecrivain.definirMeta("empreinte_cle", empreinte)
        }
    }

    // MARK: - One file

    private func importerFichier(_ source: SourceTabulaire, _ correspondance: Correspondance, _ b: inout BilanFichier,
                                 ecrivain: Ecrivain, execution: String, pseudonymiseur: Pseudonymiseur, profil: ProfilCorrespondance?,
                                 options: OptionsImport, progression: (Int) -> Void, compteur: inout Int) throws {
        let table = correspondance.table
        let importId = try ecrivain.ouvrirImport(execution: execution, fichier: b.fichier, table: table,
                                                 empreinte: "", profil: profil?.nom)
        let validateur = Validateur(table: table, configuration: espace.configuration, aujourdhui: options.aujourdhui,
                                    pseudonymiseur: pseudonymiseur, serielExcel: source is LecteurXLSX)
        let largeur = source.entete.count
        var acteursConnus: [String: Bool] = [:]

        func rejeter(_ r: Rejet) throws {
            b.rejetees += 1
            b.motifs[r.regle.rawValue, default: 0] += 1
            if b.exemples.count < 5 { b.exemples.append(r) }
            try ecrivain.rejeter(r, importId: importId, fichier: b.fichier)
        }

        // Two stages on two cores: a reader thread parses and validates (pure work, no
        // database), and this thread checks references and stores, in file order. Batches go
        // through a bounded pipe, so memory stays flat whatever the file size.
        let fichier = b.fichier
        let tuyau = Tuyau<MessageLecture>(capacite: 8)
        let fini = DispatchSemaphore(value: 0)
        let lecteur = Thread {
            defer { fini.signal() }
            var lot: [LigneValidee] = []
            lot.reserveCapacity(Importeur.tailleLot)
            do {
                try source.parcourir { brut in
                    if tuyau.estAnnule { throw CancellationError() }
                    lot.append(Importeur.preparer(brut, source: source, correspondance: correspondance, largeur: largeur,
                                                  profil: profil, validateur: validateur, fichier: fichier))
                    if lot.count == Importeur.tailleLot {
                        tuyau.envoyer(.lignes(lot, octetsLus: source.octetsLus))
                        lot.removeAll(keepingCapacity: true)
                    }
                }
                tuyau.envoyer(.lignes(lot, octetsLus: source.octetsLus))
                tuyau.envoyer(.fin(lignesVides: source.lignesVides))
            } catch {
                tuyau.envoyer(.erreur(error))
            }
        }
        lecteur.stackSize = 1 << 22
        lecteur.start()
        defer {
            tuyau.annuler()
            fini.wait()
        }

        lecture: while true {
            switch tuyau.recevoir() {
            case .fin(let vides):
                b.lignesVides = vides
                break lecture
            case nil:
                break lecture
            case .erreur(let e):
                throw e
            case .lignes(let lot, let octetsLus):
                for ligne in lot {
                    b.lues += 1
                    let enregistrement: Enregistrement
                    switch ligne.resultat {
                    case .failure(let r):
                        try rejeter(r)
                        continue
                    case .success(let e):
                        enregistrement = e
                    }
                    // Rules that need what is already stored.
                    var demande: Ecrivain.SollicitationConnue?
                    if case .proposition(let p) = enregistrement {
                        guard let connue = try ecrivain.sollicitation(p.idSollicitation) else {
                            try rejeter(Rejet(ligne: ligne.ligne, colonne: "id_sollicitation", valeur: p.idSollicitation, regle: .referenceInconnue,
                                              message: "La sollicitation « \(p.idSollicitation) » n'existe pas dans la base. Importez le fichier des sollicitations qui la contient (dans la même commande, il passe en premier), puis réimportez ce fichier avec --forcer."))
                            continue
                        }
                        demande = connue
                        if p.dateProposition < connue.date {
                            try rejeter(Rejet(ligne: ligne.ligne, colonne: "date_proposition", valeur: p.dateProposition.francais, regle: .dateIncoherente,
                                              message: "La proposition est datée du \(p.dateProposition.francais), avant sa sollicitation « \(p.idSollicitation) » reçue le \(connue.date.francais). Corrigez l'une des deux dates."))
                            continue
                        }
                        if let acteur = p.acteurId {
                            let existe: Bool
                            if let connu = acteursConnus[acteur] { existe = connu } else {
                                existe = try ecrivain.acteurExiste(acteur)
                                if acteursConnus.count < 100_000 { acteursConnus[acteur] = existe }
                            }
                            guard existe else {
                                try rejeter(Rejet(ligne: ligne.ligne, colonne: "acteur_id", valeur: acteur, regle: .referenceInconnue,
                                                  message: "L'acteur « \(acteur) » n'existe pas dans l'annuaire. Importez d'abord le fichier des acteurs qui le contient, ou laissez la colonne vide."))
                                continue
                            }
                        }
                    }
                    guard try ecrivain.enregistrer(enregistrement, importId: importId, sollicitation: demande) else {
                        try rejeter(Rejet(ligne: ligne.ligne, colonne: table.identifiant.joined(separator: " + "), valeur: ligne.identifiant, regle: .doublon,
                                          message: "L'identifiant « \(ligne.identifiant) » apparaît plusieurs fois dans ce fichier ; seule sa première ligne a été gardée. Supprimez le doublon dans l'outil de suivi."))
                        continue
                    }
                    b.importees += 1
                    compteur += 1
                    try options.apresChaqueLigne?(compteur)
                }
                progression(octetsLus)
            }
        }
        let empreinte = try source.empreinte()
        b.empreinte = empreinte
        if !options.forcer, try ecrivain.dejaImporte(empreinte: empreinte) {
            b.dejaImporte = true
            return
        }
        try ecrivain.fixerEmpreinte(importId, empreinte)
        try ecrivain.fermerImport(importId, lues: b.lues, importees: b.importees, rejetees: b.rejetees, vides: b.lignesVides)
        progression(source.octetsLus)
    }

    static let tailleLot = 512

    /// The reader stage for one record: reading anomalies, field count, mapping, profile,
    /// validation. Pure: it touches no database, so it runs on the reader thread.
    static func preparer(_ brut: EnregistrementBrut, source: SourceTabulaire, correspondance: Correspondance, largeur: Int,
                         profil: ProfilCorrespondance?, validateur: Validateur, fichier: String) -> LigneValidee {
        if let anomalie = brut.anomalie {
            return LigneValidee(ligne: brut.ligne, resultat: .failure(rejet(anomalie, ligne: brut.ligne, entete: source.entete)), identifiant: "")
        }
        if brut.champs.count > largeur, brut.champs[largeur...].contains(where: { !Normalisation.rogner($0).isEmpty }) {
            return LigneValidee(ligne: brut.ligne, resultat: .failure(Rejet(
                ligne: brut.ligne, colonne: nil, valeur: nil, regle: .ligneMalformee,
                message: "La ligne a \(brut.champs.count) champs alors que l'en-tête a \(largeur) colonnes : un séparateur ou un guillemet est sans doute en trop. Corrigez la ligne dans l'export.")),
                identifiant: "")
        }
        let table = correspondance.table
        var valeurs = correspondance.valeurs(brut.champs)
        if let profil { valeurs = profil.traduire(valeurs, table: table, fichier: fichier) }
        let identifiant = correspondance.positionsIdentifiant.compactMap { valeurs[$0].map(Normalisation.rogner) }.joined(separator: " / ")
        return LigneValidee(ligne: brut.ligne, resultat: validateur.valider(valeurs, ligne: brut.ligne), identifiant: identifiant)
    }

    static func rejet(_ a: AnomalieLecture, ligne: Int, entete: [String]) -> Rejet {
        switch a {
        case .encodage(let m):
            return Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .encodageInvalide,
                         message: "Ligne illisible : \(m). Enregistrez tout le fichier dans un seul encodage (CSV UTF-8 de préférence).")
        case .champTropLong(let c, let t):
            return Rejet(ligne: ligne, colonne: c < entete.count ? entete[c] : nil, valeur: nil, regle: .champTropLong,
                         message: "Un champ dépasse la taille maximale de \(FormatFrancais.entier(t)) octets : un guillemet est peut-être mal fermé. Corrigez la ligne dans l'export.")
        case .tropDeChamps(let n):
            return Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .ligneMalformee,
                         message: "La ligne a plus de \(n - 1) champs. Vérifiez le séparateur et les guillemets de l'export.")
        case .guillemetNonFerme:
            return Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .ligneMalformee,
                         message: "Un guillemet ouvert à cette ligne n'est jamais fermé : la suite du fichier a été lue comme un seul champ. Corrigez le guillemet et réimportez le fichier.")
        }
    }
}
