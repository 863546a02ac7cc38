import Crypto
import Foundation
import GRDB
import Logging
import ObservatoireCore
import ObservatoireStore

/// What happened to one file of an import, for one table (a file that feeds several tables —
/// a tracker with requests and propositions on the same row — has one of these per table).
public struct BilanFichier: Sendable {
    public var fichier: String
    public var chemin: URL
    public var table: TableCanonique?
    public var lues = 0
    public var importees = 0
    public var rejetees = 0
    public var lignesVides = 0
    /// Rows of the file skipped by a filter of the profile (a totals row).
    public var lignesIgnorees = 0
    public var dejaImporte = false
    /// Rejected rows by rule name.
    public var motifs: [String: Int] = [:]
    /// The first rejects, to show in the summary.
    public var exemples: [Rejet] = []
    /// Stored rows with something missing (``Avertissement``), by rule name, and the first ones.
    public var avertissements: [String: Int] = [:]
    public var exemplesAvertissements: [Avertissement] = []
    /// Header columns that are not in the spec (ignored, never stored).
    public var colonnesIgnorees: [String] = []
    /// What the reader found (format, separator, encoding).
    public var format: String = ""
    /// The mapping profile applied, if any, and its source.
    public var profil: String?
    public var sourceProfil: String?
    public var empreinte: String?
    /// A snapshot import: the file is the whole current state of its source.
    public var instantane = false
    /// The table was empty and loaded in bulk (``Ecrivain/commencerEnBloc(_:)``).
    public var chargementEnBloc = false
    /// Snapshot imports: rows added, changed, removed (absent from the new export) and unchanged.
    public var ajoutees = 0
    public var modifiees = 0
    public var supprimees = 0
    public var inchangees = 0
    /// Why the whole file could not be read (nothing of it stored).
    public var erreur: FichierIllisible?

    public init(fichier: String, chemin: URL) {
        self.fichier = fichier
        self.chemin = chemin
    }

    public var totalAvertissements: Int { avertissements.values.reduce(0, +) }
}

/// What an import run did.
public struct BilanImport: Sendable {
    public init() {}

    /// One entry per file and table.
    public var fichiers: [BilanFichier] = []
    /// Files given (inside a folder) that are not exports (.csv, .txt, .xlsx): skipped.
    public var ignores: [String] = []
    /// Notes for the user (a key created…).
    public var notes: [String] = []
    /// The run was refused as a whole (`--strict` with rejects): nothing was stored.
    public var annule = false

    /// The exit code of `spec/cli.md`: 65 when a file was unreadable, 3 when rows were
    /// rejected, 0 otherwise.
    public var code: CodeSortie { code(enAttenteIllisible: true) }

    /// The code, where a file still being written counts as unreadable (`importer`) or not (the
    /// monthly run leaves it for the next run: nothing is wrong yet).
    public func code(enAttenteIllisible: Bool) -> CodeSortie {
        var c = CodeSortie.succes
        for f in fichiers {
            if let e = f.erreur, enAttenteIllisible || !e.enAttente { c = .pire(c, .donneesIllisibles) }
            if f.rejetees > 0 { c = .pire(c, .rejets) }
        }
        if annule { c = .pire(c, .donneesIllisibles) }
        return c
    }

    public var totalLues: Int { fichiers.reduce(0) { $0 + $1.lues } }
    public var totalImportees: Int { fichiers.reduce(0) { $0 + $1.importees } }
    public var totalRejetees: Int { fichiers.reduce(0) { $0 + $1.rejetees } }
    public var totalAvertissements: Int { fichiers.reduce(0) { $0 + $1.totalAvertissements } }
}

/// A record after the reader stage: a row of one table, validated or rejected.
struct LigneValidee {
    let ligne: Int
    /// Index of its table in the reading's projection.
    let table: Int
    let resultat: Result<Enregistrement, Rejet>
    let avertissements: [Avertissement]
    /// The row's identifier, for the duplicate message and the snapshot bookkeeping.
    let identifiant: String
    /// The fingerprint of a validated row's values (``Enregistrement/empreinte``), computed by
    /// the reader thread.
    var empreinte: Int64 = 0
    /// Where a profile took each value of a stored row from, for the rules checked when it is
    /// stored (a partner unknown to the directory is named by its tracker column, not by
    /// `acteur_id`). Nil for a canonical export.
    var origines: [OrigineValeur?]?
}

enum ElementLu {
    case ligne(LigneValidee)
    /// A row skipped by a filter of the profile.
    case ignoree
}

/// What goes through the reading pipes: a batch (raw records, or validated rows) with the bytes
/// read so far, then the end of the file or the error that stopped it.
enum MessageLecture<Lot> {
    case lignes(Lot, octetsLus: Int)
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
    /// A mapping profile for non-canonical exports (`--profil`), applied to every file whatever
    /// its name.
    public var profil: ProfilCorrespondance?
    /// Profiles chosen file by file, by the file-name patterns they declare (the monthly run
    /// offers every profile of the workspace).
    public var profils: [ProfilCorrespondance] = []
    /// Every file is the complete current state of its source (`--instantane`; a profile's
    /// source can declare it too).
    public var instantane = false
    /// Everything is checked and counted, then rolled back: nothing changes (`--a-blanc`).
    public var simulation = false
    /// Any rejected row cancels the whole run (`--strict`).
    public var strict = false
    /// The workspace holds broken profiles (left out of ``profils``): advice never names the
    /// only valid one as if it were the only one.
    public var profilsInvalides = false
    /// Imports files even when the same content was already imported (`--forcer`).
    public var forcer = false
    /// A snapshot removes the rows absent from it even when they are many (see
    /// ``Importeur/suppressionSuspecte(absentes:enregistrees:)``; `--accepter-suppressions`).
    public var accepterSuppressions = false
    /// The state of each file (by path) when the caller looked at it: a file found otherwise
    /// when opened, or changed while read, is left for later (``FichierIllisible/enAttente``).
    public var identites: [String: IdentiteFichier] = [:]
    /// The day dates are checked against (future dates are rejected).
    public var aujourdhui = Jour.aujourdhui()
    /// Tables whose file waits for a later run (still being copied, unreadable, set aside by
    /// the monthly run), with the file's name: the files whose rows point to them wait too (see
    /// ``Importeur/parentes``).
    public var tablesEnAttente: [TableCanonique: String] = [:]
    /// A scheduled run: the rows this import rejects are added, in its transaction, to the
    /// count the runs still have to signal (``Importeur/rejetsASignaler``), which the run clears
    /// once it has ended and reported them (exit code 3). A run stopped after its import (a
    /// file that could not be filed, a report not written) thus leaves them to the next one.
    public var signalerRejets = false
    /// Called after each stored row with the number of rows stored so far in the run; a test
    /// throws from it to simulate a crash in the middle of an import.
    public var apresChaqueLigne: ((Int) throws -> Void)?

    public init() {}
}

/// Deterministic crash points for the crash-safety tests: the process kills itself (SIGKILL,
/// no clean-up) after storing its N-th batch of rows (`C360_TEST_ARRET_APRES_LOT=N`), or just
/// before the transaction commits (`C360_TEST_ARRET_AVANT_VALIDATION=1`).
enum PointsDArret {
    static let apresLot = ProcessInfo.processInfo.environment["C360_TEST_ARRET_APRES_LOT"].flatMap(Int.init)
    static let avantValidation = ProcessInfo.processInfo.environment["C360_TEST_ARRET_AVANT_VALIDATION"] == "1"

    static func arreter() -> Never {
        kill(getpid(), SIGKILL)
        while true { pause() }
    }
}

/// One way of reading a file: the file, the source (a profile's, or canonical), the tables it
/// feeds. A workbook whose sheets are several sources is several readings.
struct Lecture {
    let url: URL
    let nom: String
    /// The source as first opened (its header, size and description); released at once, so that
    /// a run over many files never holds them all open.
    let source: SourceTabulaire
    /// Opens the source again, to read it (the same file: checked by its identity).
    let fabrique: () throws -> SourceTabulaire
    let projection: Projection
    let profil: ProfilCorrespondance?
    let sourceProfil: SourceProfil?
    let instantane: Bool
    /// The source's key in the base: `profil:P/S`, `instantane:TABLE` or `fichier:NOM`.
    let cleSource: String

    var premiereTable: TableCanonique { projection.tables.min() ?? .propositions }
}

/// The import stage: read → validate → store, for a set of export files, in one transaction.
///
/// - Files are imported in dependency order (`acteurs`, `equipe`, `membres_coeur`,
///   `sollicitations`, `propositions`), whatever the order given; a source that feeds several
///   tables (a tracker with the request and its orientations on one row) writes them row by
///   row, the request first.
/// - Nothing is lost: every record read is stored or rejected with its reason
///   (`lues = importees + rejetees` for each file and table); rows skipped by a filter of the
///   profile are counted apart.
/// - The run commits entirely or not at all; a file whose content was already imported into
///   the same tables with the same profile changes nothing (`dejaImporte`).
/// - A snapshot import (`instantane`) also removes the rows of its source absent from the new
///   export, in the same transaction.
///
/// ```swift
/// let bilan = try Importeur(espace: espace, base: base).importer([dossier], options: OptionsImport())
/// bilan.code   // .succes, .rejets or .donneesIllisibles
/// ```
public final class Importeur {
    public let espace: EspaceDeTravail
    public let base: Base
    public var journal: Logger

    /// Requests refused in this run because their number is another request's (see
    /// ``Ecrivain/Operation/autreDemande(fichier:)``): a proposition of that number read by a
    /// later file of the run does not replace one stored by another file (it would be the
    /// refused request's, put in the place of the other request's).
    private var demandesEnConflit: Set<String> = []

    /// What opening the files found worth saying (a sheet of the ready-made tracker deleted).
    private var notesOuverture: [String] = []

    /// With no list of territories in the configuration: the spelling kept for each territory
    /// (by its key: case, accents and spaces aside), loaded from the base when first needed;
    /// each raw spelling met and the one kept; the spellings folded, for the summary.
    private var territoiresGardes: [String: String]?
    private var graphiesTerritoires: [String: String] = [:]
    private var territoiresFusionnes: [String: Set<String>] = [:]

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
        // A file named twice (twice the same path, or a folder and a file in it) is read once.
        var vus: Set<String> = []
        func ajouter(_ f: URL) { if vus.insert(f.standardizedFileURL.path).inserted { fichiers.append(f) } }
        for chemin in chemins {
            // A folder named on the command line is the user's choice: followed if it is a link.
            // A file is opened later, never through a link.
            var s = stat()
            guard lstat(chemin.path, &s) == 0 else {
                let e = errno
                throw ErreurObservatoire(.usage, "Le fichier ou dossier « \(TexteSur.surUneLigne(chemin.path)) » \(e == EACCES ? "n'est pas accessible : \(MessageSysteme.errno(e))" : "n'existe pas").",
                                         conseil: "Vérifiez le chemin indiqué (les noms avec des espaces doivent être entre guillemets).")
            }
            var cible = stat()
            let estDossier = s.st_mode & S_IFMT == S_IFDIR || (s.st_mode & S_IFMT == S_IFLNK && stat(chemin.path, &cible) == 0 && cible.st_mode & S_IFMT == S_IFDIR)
            guard estDossier else {
                // A file, or a link or a FIFO: opened safely, refused with its reason if need be.
                ajouter(chemin)
                continue
            }
            let noms: [String]
            do {
                noms = try FileManager.default.contentsOfDirectory(atPath: chemin.path)
            } catch {
                throw ErreurObservatoire(.usage, "Le dossier « \(TexteSur.surUneLigne(chemin.path)) » ne peut pas être lu : \(MessageSysteme.francais(error)).",
                                         conseil: "Vérifiez ses droits : le compte qui lance c360 doit pouvoir le lire.")
            }
            for nom in noms.sorted() {
                let f = chemin.appendingPathComponent(nom)
                if nom.hasPrefix(".") {
                    ignores.append("\(nom) (fichier caché : renommez-le sans le point initial pour l'importer)")
                    continue
                }
                var t = stat()
                if lstat(f.path, &t) == 0, t.st_mode & S_IFMT == S_IFDIR {
                    ignores.append("\(nom) (dossier : les sous-dossiers ne sont pas lus)")
                    continue
                }
                if extensions.contains(f.pathExtension.lowercased()) { ajouter(f) } else { ignores.append(nom) }
            }
        }
        return (fichiers, ignores)
    }

    /// Imports the files, in one transaction.
    public func importer(_ chemins: [URL], options: OptionsImport = OptionsImport()) throws -> BilanImport {
        let (urls, ignores) = try Importeur.fichiers(chemins)
        var bilan = BilanImport()
        bilan.ignores = ignores

        // Open every file first: the tables it feeds decide the order.
        var lectures: [Lecture] = []
        var illisibles: [BilanFichier] = []
        for url in urls {
            do {
                lectures += try ouvrir(url, options: options)
            } catch let e as FichierIllisible {
                var b = BilanFichier(fichier: url.lastPathComponent, chemin: url)
                b.erreur = e
                b.profil = options.profil?.nom ?? options.profils.first { $0.reconnait(url.lastPathComponent) }?.nom
                journal.warning("fichier illisible", metadata: ["fichier": "\(b.fichier)", "raison": "\(e.raison)"])
                illisibles.append(b)
            }
        }
        bilan.notes += notesOuverture
        notesOuverture = []
        // Dependency order, then file names; but several complete states of one snapshot
        // source (March's and April's export dropped together) go from the oldest to the
        // newest by modification time, so that the newest is the state that stays (by name,
        // « avril » would come before « mars »).
        func cle(_ l: Lecture) -> (TableCanonique, String, Int, Int, String) {
            let i = l.source.identite
            return l.instantane ? (l.premiereTable, l.cleSource, i.modificationSecondes, i.modificationNanosecondes, l.nom)
                                : (l.premiereTable, "", 0, 0, l.nom)
        }
        lectures.sort { cle($0) < cle($1) }
        let etatsMultiples = Dictionary(grouping: lectures.filter(\.instantane), by: \.cleSource).values.filter { Set($0.map(\.url)).count > 1 }
        // The files of each group, oldest first (a workbook's sheets are sources of their own:
        // one note for the same files).
        var etatsSuccessifs: [[String]] = []
        for groupe in etatsMultiples {
            let noms = Array(NSOrderedSet(array: groupe.map(\.nom))) as? [String] ?? groupe.map(\.nom)
            // Two states with the same modification time (copied together without keeping
            // their dates): which one is the newest cannot be told; none of them is applied.
            let dates = groupe.map { "\($0.source.identite.modificationSecondes).\($0.source.identite.modificationNanosecondes)" }
            if Set(dates).count < Set(groupe.map(\.url)).count {
                let urls = Set(groupe.map(\.url))
                lectures.removeAll { urls.contains($0.url) }
                for url in urls.sorted(by: { $0.path < $1.path }) {
                    var b = BilanFichier(fichier: url.lastPathComponent, chemin: url)
                    b.erreur = FichierIllisible(fichier: url.lastPathComponent,
                                                raison: "\(noms.map { "« \(TexteSur.surUneLigne($0)) »" }.joined(separator: ", ")) sont des états complets de la même source avec la même date de modification : impossible de savoir lequel est le plus récent ; rien n'en a été importé",
                                                conseil: "Déposez seulement l'export le plus récent (les autres états sont dépassés).")
                    illisibles.append(b)
                }
                continue
            }
            if !etatsSuccessifs.contains(noms) { etatsSuccessifs.append(noms) }
        }

        // The tables whose file is not read in this run: propositions whose requests are in a
        // file that waits would all be rejected, then that file archived, and dropping it again
        // would change nothing (already imported): they wait with it.
        var enAttente = options.tablesEnAttente
        for b in illisibles {
            for t in Importeur.tablesSelonNom(b.fichier, options: options) where enAttente[t] == nil { enAttente[t] = b.fichier }
        }

        // SQLite's temporary files (a bulk load's staging table and sorts) go next to the
        // database, in the workspace's private data folder, rather than in /tmp: they hold
        // the same pseudonymised rows. SQLite unlinks them as soon as it opens them; it reads
        // this setting once per process (an administrator's own SQLITE_TMPDIR is kept).
        setenv("SQLITE_TMPDIR", base.url.deletingLastPathComponent().path, 0)
        let execution = UUID().uuidString.lowercased()
        let total = lectures.reduce(0) { $0 + $1.source.tailleTotale }
        let progression = Progression(titre: "Import", total: total)
        var dejaLus = 0
        var compteurLignes = 0
        var lots = 0
        let pseudonymiseur = try preparerPseudonymiseur(&bilan, simulation: options.simulation)

        do {
            // Foreign keys are not enforced while importing: the validation has already checked
            // every reference (a proposition's request, its actor), and checking them twice
            // cost about a tenth of the import. The schema still declares them.
            try base.file.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                // Temporary storage in files while importing: a bulk load builds its indexes by
                // sorting, and SQLite's sorter spills to temporary files, which would otherwise
                // be held in memory (tens of MiB for a national history). Statement journals
                // stay in memory below 64 KiB either way. SQLite unlinks its temporary files as
                // soon as it creates them; the setting cannot change inside a transaction.
                try db.execute(sql: "PRAGMA temp_store = FILE")
                defer { try? db.execute(sql: "PRAGMA temp_store = MEMORY") }
                try db.inTransaction(.immediate) {
                    try importerTout(db)
                    if PointsDArret.avantValidation { PointsDArret.arreter() }
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
        bilan.fichiers += illisibles
        if !options.simulation {
            for (garde, variantes) in territoiresFusionnes.sorted(by: { $0.key < $1.key }) {
                bilan.notes.append("Territoire « \(TexteSur.surUneLigne(garde)) » : \(variantes.sorted().map { "« \(TexteSur.surUneLigne($0)) »" }.joined(separator: ", ")) \(variantes.count > 1 ? "sont d'autres écritures" : "est une autre écriture") du même nom (majuscules, accents ou espaces), \(variantes.count > 1 ? "comptées" : "comptée") avec lui. Pour choisir l'écriture, ou refuser les territoires inconnus, listez les territoires dans observatoire.yml.")
            }
        }
        // Which state was kept, once known: a newer state refused (a snapshot that lost too many
        // rows) leaves the older one.
        for noms in etatsSuccessifs {
            let appliques = noms.filter { nom in bilan.fichiers.contains { $0.fichier == nom && $0.erreur == nil } }
            guard let garde = appliques.last else { continue }
            let liste = noms.map { "« \(TexteSur.surUneLigne($0)) »" }.joined(separator: ", ")
            if garde == noms.last {
                bilan.notes.append("\(liste) sont des états complets de la même source : appliqués du plus ancien au plus récent (date de modification), seul le dernier, « \(TexteSur.surUneLigne(garde)) », décrit l'état gardé. Si ce n'est pas le plus récent, importez-le seul.")
            } else {
                bilan.notes.append("\(liste) sont des états complets de la même source, appliqués du plus ancien au plus récent (date de modification) ; « \(TexteSur.surUneLigne(noms.last!)) » a été refusé (voir son motif) : l'état gardé est celui de « \(TexteSur.surUneLigne(garde)) ».")
            }
        }
        return bilan

        func importerTout(_ db: Database) throws {
            let ecrivain = Ecrivain(db)
            try verifierCle(ecrivain, pseudonymiseur: pseudonymiseur)
            for lecture in lectures {
                var bilans: [BilanFichier] = []
                // Parents this file points to whose file is not read in this run (a table the
                // file feeds itself is not waited for: a tracker's requests and orientations).
                let propres = Set(lecture.projection.tables)
                let parentesEnAttente = lecture.projection.tables.flatMap { t in
                    (Importeur.parentes[t] ?? []).filter { !propres.contains($0) }.compactMap { p in enAttente[p].map { (table: t, parente: p, fichier: $0) } }
                }
                do {
                    var retenue: FichierIllisible?
                    try db.inSavepoint {
                        bilans = try importerLecture(lecture, ecrivain: ecrivain, execution: execution, pseudonymiseur: pseudonymiseur,
                                                     options: options, notes: &bilan.notes,
                                                     progression: { progression.avancer(jusqua: dejaLus + $0) },
                                                     apresLot: {
                                                         lots += 1
                                                         if lots == PointsDArret.apresLot { PointsDArret.arreter() }
                                                     },
                                                     compteur: &compteurLignes)
                        // Rows rejected for pointing to a request (or an actor) unknown, while
                        // the file of those waits: the whole file waits with it, rather than
                        // being filed with rows that dropping it again would not bring back
                        // (already imported).
                        if let p = parentesEnAttente.first(where: { p in
                            bilans.contains { $0.table == p.table && ($0.motifs[RegleRejet.referenceInconnue.rawValue] ?? 0) > 0 }
                        }) {
                            // Actors are masculine (« absents »); the same workbook refused for
                            // another of its sheets says so (the second regression review).
                            let absentes = p.parente == .acteurs || p.parente == .membresCoeur ? "absents" : "absentes"
                            let memeFichier = p.fichier == lecture.nom
                            retenue = FichierIllisible(fichier: lecture.nom,
                                                       raison: memeFichier
                                                        ? "des \(p.table.libelle) renvoient à des \(p.parente.libelle) \(absentes) de la base, que ce même classeur devait apporter mais dont la lecture a été refusée (voir le motif ci-dessus)"
                                                        : "des \(p.table.libelle) renvoient à des \(p.parente.libelle) \(absentes) de la base, et le fichier « \(TexteSur.surUneLigne(p.fichier)) » n'est pas lu dans cette exécution",
                                                       conseil: memeFichier
                                                        ? "Corrigez ce qui a fait refuser cette feuille, puis réimportez le classeur ; rien n'est perdu."
                                                        : "Il attend ce fichier et sera importé avec lui : corrigez ou complétez « \(TexteSur.surUneLigne(p.fichier)) » ; rien n'est perdu.",
                                                       enAttente: true)
                            return .rollback
                        }
                        return bilans.allSatisfy(\.dejaImporte) ? .rollback : .commit
                    }
                    if let retenue { throw retenue }
                } catch let e as FichierIllisible {
                    for t in lecture.projection.tables where enAttente[t] == nil { enAttente[t] = lecture.nom }
                    var b = BilanFichier(fichier: lecture.nom, chemin: lecture.url)
                    b.table = lecture.premiereTable
                    b.profil = lecture.profil?.nom
                    b.sourceProfil = lecture.sourceProfil?.nom
                    b.erreur = e
                    bilans = [b]
                }
                dejaLus += lecture.source.tailleTotale
                bilan.fichiers += bilans
                for b in bilans {
                    journal.info("fichier traité", metadata: [
                        "fichier": "\(b.fichier)", "table": "\(b.table?.rawValue ?? "?")", "profil": "\(b.profil ?? "-")",
                        "lues": "\(b.lues)", "importees": "\(b.importees)", "rejetees": "\(b.rejetees)",
                        "deja_importe": "\(b.dejaImporte)", "en_bloc": "\(b.chargementEnBloc)",
                    ].merging(b.instantane ? [
                        "ajoutees": "\(b.ajoutees)", "modifiees": "\(b.modifiees)", "inchangees": "\(b.inchangees)",
                        "supprimees": "\(b.supprimees)",
                    ] : [:]) { a, _ in a })
                }
            }
            if options.strict && bilan.totalRejetees > 0 {
                bilan.annule = true
                throw AnnulationStricte()
            }
            if options.simulation { throw Simulation() }
            if options.signalerRejets && bilan.totalRejetees > 0 {
                let deja = Int(try ecrivain.meta(Importeur.rejetsASignaler) ?? "") ?? 0
                try ecrivain.definirMeta(Importeur.rejetsASignaler, String(deja + bilan.totalRejetees))
            }
        }
    }

    /// The spelling a territory is stored under when the configuration lists none: « ternois »
    /// and « TERNOIS » are « Ternois », the most frequent spelling of the base (or the first one
    /// met). Spellings the base already holds apart are folded into that one the first time
    /// (their propositions follow, by the schema's trigger).
    private func territoireGarde(_ t: String, _ ecrivain: Ecrivain) throws -> String {
        if let g = graphiesTerritoires[t] { return g }
        if territoiresGardes == nil {
            var gardes: [String: String] = [:]
            for (nom, _) in try ecrivain.territoiresStockes() {
                let cle = Normalisation.cle(nom)
                if let garde = gardes[cle] {
                    try ecrivain.renommerTerritoire(nom, en: garde)
                    territoiresFusionnes[garde, default: []].insert(nom)
                } else {
                    gardes[cle] = nom
                }
            }
            territoiresGardes = gardes
        }
        let cle = Normalisation.cle(t)
        let garde = territoiresGardes![cle] ?? t
        if territoiresGardes![cle] == nil { territoiresGardes![cle] = t }
        if garde != t { territoiresFusionnes[garde, default: []].insert(t) }
        if graphiesTerritoires.count < 10_000 { graphiesTerritoires[t] = garde }
        return garde
    }

    private struct AnnulationStricte: Error {}

    /// The key of `meta` holding the rows rejected by scheduled runs' imports and not yet
    /// signalled by a run that ended (see ``OptionsImport/signalerRejets``).
    public static let rejetsASignaler = "rejets_a_signaler"

    private struct Simulation: Error {}

    // MARK: - Opening a file

    /// The readings of a file: through a profile (each of its sources that the file feeds), or
    /// as a canonical export (one table, or one per sheet named after a table).
    func ouvrir(_ url: URL, options: OptionsImport) throws -> [Lecture] {
        let lectures = try ouvrirSources(url, options: options)
        for l in lectures {
            // The file seen by the caller (the monthly run's listing) must be the one opened:
            // a size or a date that moved means it is still being written.
            if let attendue = options.identites[url.path], attendue != l.source.identite {
                throw FichierIllisible.enCoursDEcriture(url.lastPathComponent)
            }
            l.source.liberer()
        }
        return lectures
    }

    func ouvrirSources(_ url: URL, options: OptionsImport) throws -> [Lecture] {
        let nom = url.lastPathComponent
        if let profil = options.profil ?? options.profils.first(where: { $0.reconnait(nom) }) {
            return try ouvrirAvecProfil(url, profil: profil, options: options)
        }
        let ext = url.pathExtension.lowercased()
        try Importeur.refuserFormat(ext, nom: nom)
        let cle = { (t: TableCanonique) in options.instantane ? "instantane:\(t.rawValue)" : "fichier:\(nom)" }
        // A workbook with one sheet per table (the ready-made tracker): each such sheet.
        // Looked at before the file's name: a ready-made tracker saved as « suivi des
        // sollicitations 2025.xlsx » is still one (its first sheet is the user guide).
        if ["xlsx", "xlsm"].contains(ext), options.table == nil {
            let feuilles = try LecteurXLSX.nomsDesFeuilles(url)
            let parTable = feuilles.compactMap { f in (TableCanonique.depuisNom(f) ?? TableCanonique.depuisNomDeFichier(f)).map { (f, $0) } }
            // The ready-made tracker (`c360 modele-suivi`) is a complete register: a snapshot.
            let registre = try Importeur.estUnRegistreComplet(url, feuilles: feuilles)
            if registre {
                // A table's sheet renamed (« Propositions » become « Orientations ») would be
                // skipped, and the table's old rows kept for ever: the workbook is refused, and
                // the sheet to rename named.
                let absentes = RegistreSuivi.feuilles.filter { t, _ in !parTable.contains { $0.1 == t } }
                let connues = Set(RegistreSuivi.feuilles.map { Normalisation.cle($0.1) } + RegistreSuivi.feuillesAnnexes.map(Normalisation.cle))
                let autres = feuilles.filter { f in !connues.contains(Normalisation.cle(f)) && !parTable.contains { $0.0 == f } }
                // A sheet deleted because the C360 does not use it (the team, the core members)
                // is fine; the calls' and orientations' sheets, or a table's sheet beside an
                // unknown one (renamed), are not (the regression review's M6).
                let manquantes = absentes.filter { t, _ in t == .sollicitations || t == .propositions || !autres.isEmpty }.map(\.1)
                if manquantes.isEmpty, !absentes.isEmpty {
                    // Said every time: what the base holds of those tables is no longer updated
                    // by this workbook (the second regression review's N2).
                    let noms = absentes.map { "« \($0.1) »" }.joined(separator: ", ")
                    notesOuverture.append("« \(TexteSur.surUneLigne(nom)) » : \(absentes.count > 1 ? "les feuilles \(noms) du tableur de suivi sont absentes : leurs tables ne sont pas mises à jour" : "la feuille \(noms) du tableur de suivi est absente : sa table n'est pas mise à jour") par ce classeur (ce que la base en a déjà reste). Si la C360 ne s'en sert pas, il n'y a rien à faire ; sinon, remettez la feuille.")
                }
                if !manquantes.isEmpty {
                    throw FichierIllisible(
                        fichier: nom,
                        raison: "ce tableur de suivi (modèle c360) n'a plus de feuille \(manquantes.map { "« \($0) »" }.joined(separator: ", "))\(autres.isEmpty ? "" : " ; ses autres feuilles : \(Masque.listeEntetes(autres))") ; une feuille renommée ne serait pas lue, et les lignes de sa table resteraient celles d'avant",
                        conseil: "Redonnez à la feuille son nom d'origine (\(manquantes.map { "« \($0) »" }.joined(separator: ", "))), enregistrez le classeur puis réimportez-le.")
                }
            }
            if parTable.count > 1 || registre {
                return try parTable.map { (feuille, table) in
                    let source = try LecteurXLSX(url: url, feuille: feuille)
                    let c = try Correspondance.etablir(entete: source.entete, table: table, fichier: "\(nom) (feuille « \(feuille) »)")
                    return Lecture(url: url, nom: nom, source: source, fabrique: { try LecteurXLSX(url: url, feuille: feuille) },
                                   projection: ProjectionCanonique(correspondance: c), profil: nil,
                                   sourceProfil: nil, instantane: options.instantane || registre,
                                   cleSource: registre ? "modele-suivi:\(table.rawValue)" : cle(table))
                }
            }
        }
        let fabrique: () throws -> SourceTabulaire = ["xlsx", "xlsm"].contains(ext) ? { try LecteurXLSX(url: url) } : { try LecteurCSV(url: url) }
        let source = try fabrique()
        guard let table = options.table ?? TableCanonique.depuisNomDeFichier(nom) ?? Correspondance.tableDepuisEntete(source.entete) else {
            let motifs = options.profils.flatMap { p in p.motifs.map { "\($0) (profil \(p.nom))" } }
            throw FichierIllisible(fichier: nom,
                                   raison: "impossible de savoir à quelle table il correspond : ni son nom, ni ses colonnes ne le disent\(motifs.isEmpty ? "" : ", et aucun profil ne reconnaît son nom (motifs : \(motifs.joined(separator: ", ")))")",
                                   conseil: motifs.isEmpty
                                    ? "Nommez le fichier d'après sa table (sollicitations, propositions, acteurs, equipe, membres_coeur), indiquez --table, ou lisez-le avec un profil de correspondance (--profil NOM)."
                                    : ProfilsDeLEspace.conseilSansProfil(chemin: url, profils: options.profils, profilsInvalides: options.profilsInvalides))
        }
        let c = try Correspondance.etablir(entete: source.entete, table: table, fichier: nom)
        return [Lecture(url: url, nom: nom, source: source, fabrique: fabrique, projection: ProjectionCanonique(correspondance: c), profil: nil,
                        sourceProfil: nil, instantane: options.instantane, cleSource: cle(table))]
    }

    /// Whether a workbook carries the mark of the ready-made tracker: a sheet `c360` saying
    /// `format: modele-suivi` and `instantane: oui`.
    static func estUnRegistreComplet(_ url: URL, feuilles: [String]) throws -> Bool {
        guard feuilles.contains(RegistreSuivi.feuilleMarque) else { return false }
        let marque = try LecteurXLSX(url: url, feuille: RegistreSuivi.feuilleMarque)
        guard marque.entete.count >= 2, Normalisation.cle(marque.entete[0]) == "format", Normalisation.cle(marque.entete[1]) == "modelesuivi" else { return false }
        var instantane = false
        try marque.parcourir { r in
            if r.champs.count >= 2, Normalisation.cle(r.champs[0]) == "instantane", case .valeur(true) = Valeurs.booleen(r.champs[1]) { instantane = true }
        }
        return instantane
    }

    static func refuserFormat(_ ext: String, nom: String) throws {
        switch ext {
        case "xls": throw FichierIllisible.xls(nom)
        case "ods":
            throw FichierIllisible(fichier: nom, raison: "c'est un classeur OpenDocument (.ods), format non pris en charge",
                                   conseil: FichierIllisible.reenregistrer)
        default: break
        }
    }

    /// Opens the file for one source of a profile.
    static func ouvrirSource(_ url: URL, _ source: SourceProfil) throws -> SourceTabulaire {
        let ext = url.pathExtension.lowercased()
        try refuserFormat(ext, nom: url.lastPathComponent)
        let noms = source.nomsConnus
        return ["xlsx", "xlsm"].contains(ext)
            ? try LecteurXLSX(url: url, feuille: source.feuille, autresNoms: noms)
            : try LecteurCSV(url: url, autresNoms: noms)
    }

    func ouvrirAvecProfil(_ url: URL, profil: ProfilCorrespondance, options: OptionsImport) throws -> [Lecture] {
        let nom = url.lastPathComponent
        var sources = profil.sources(pourFichier: nom)
        if sources.isEmpty {
            // `--profil` works whatever the file's name: a workbook gives every source whose
            // sheet it has (the calls and the partners of one tracker, as its usual name would),
            // any other file the source whose columns it has.
            if ["xlsx", "xlsm"].contains(url.pathExtension.lowercased()), let feuilles = try? LecteurXLSX.nomsDesFeuilles(url) {
                let cles = Set(feuilles.map { Normalisation.cle($0) })
                let avecFeuille = profil.sources.filter { s in s.feuille.map { cles.contains(Normalisation.cle($0)) } ?? false }
                if avecFeuille.count > 1 { sources = avecFeuille }
            }
            if sources.isEmpty { sources = [try Importeur.sourceSelonEntete(url, profil: profil)] }
        }
        if let t = options.table {
            sources = sources.filter { $0.tables.contains { $0.table == t } }.map { s in
                var s = s
                // The propositions of a tracker take the request's identifier of their row.
                let identifiant = s.tables.first { $0.table == .sollicitations }?.regles["id_sollicitation"]
                s.tables = s.tables.filter { $0.table == t }.map { tp in
                    var tp = tp
                    if tp.table == .propositions, tp.regles["id_sollicitation"] == nil, let identifiant { tp.regles["id_sollicitation"] = identifiant }
                    return tp
                }
                return s
            }
            guard !sources.isEmpty else {
                throw FichierIllisible(fichier: nom, raison: "le profil « \(profil.nom) » ne nourrit pas la table \(t.rawValue) avec ce fichier",
                                       conseil: "Retirez --table, ou complétez le profil \(profil.fichier).")
            }
        }
        return try sources.map { s in
            let source = try Importeur.ouvrirSource(url, s)
            let projection = try ProjectionProfil.compiler(s, profil: profil, entete: source.entete, fichier: nom)
            return Lecture(url: url, nom: nom, source: source, fabrique: { try Importeur.ouvrirSource(url, s) }, projection: projection,
                           profil: profil, sourceProfil: s,
                           instantane: options.instantane || s.instantane, cleSource: "profil:\(profil.nom)/\(s.nom)")
        }
    }

    /// The source of `profil` whose column names the file's header matches best.
    static func sourceSelonEntete(_ url: URL, profil: ProfilCorrespondance) throws -> SourceProfil {
        if profil.sources.count == 1 { return profil.sources[0] }
        var scores: [(SourceProfil, Int)] = []
        for s in profil.sources {
            guard let lecteur = try? ouvrirSource(url, s) else { continue }
            let entete = Set(lecteur.entete.map { Normalisation.cle($0) })
            scores.append((s, s.nomsConnus.filter { entete.contains(Normalisation.cle($0)) }.count))
        }
        let tries = scores.sorted { $0.1 > $1.1 }
        guard let premier = tries.first, premier.1 > 0, tries.count == 1 || tries[1].1 < premier.1 else {
            throw FichierIllisible(fichier: url.lastPathComponent,
                                   raison: "le profil « \(profil.nom) » a plusieurs sources (\(profil.sources.map(\.nom).joined(separator: ", "))) et les colonnes du fichier ne permettent pas de choisir",
                                   conseil: "Nommez le fichier selon un motif du profil (\(profil.motifs.joined(separator: ", "))).")
        }
        return premier.0
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
            if connue != empreinte, try !ecrivain.contientDesPersonnes() {
                // The key was lost before any person was stored: nothing depends on it, the new
                // key takes its place (said in the log and the summary).
                try ecrivain.definirMeta("empreinte_cle", empreinte)
                journal.notice("empreinte de la clé de pseudonymisation remplacée : aucune personne n'était enregistrée")
                return
            }
            guard connue == empreinte else {
                throw ErreurObservatoire(.usage,
                    "La clé de pseudonymisation « \(espace.fichierCle.path) » n'est pas celle avec laquelle la base a été remplie.",
                    conseil: "Restaurez la clé d'origine depuis votre sauvegarde ; rien n'a été importé.")
            }
        } else {
            try ecrivain.definirMeta("empreinte_cle", empreinte)
        }
    }

    // MARK: - One reading

    private func importerLecture(_ lecture: Lecture, ecrivain: Ecrivain, execution: String, pseudonymiseur: Pseudonymiseur,
                                 options: OptionsImport, notes: inout [String], progression: (Int) -> Void,
                                 apresLot: () -> Void, compteur: inout Int) throws -> [BilanFichier] {
        let source = try lecture.fabrique()
        defer { source.liberer() }
        guard source.identite == lecture.source.identite else { throw FichierIllisible.enCoursDEcriture(lecture.nom) }
        let projection = lecture.projection
        (source as? LecteurXLSX)?.colonnesLues = projection.lit
        let tables = projection.tables
        let idSource = try ecrivain.source(cle: lecture.cleSource)
        // Identifiers a profile joins (`assembler`) were stored in clear by versions before
        // they were pseudonymised: the rows of this source that still have one are given their
        // pseudonym now (the one the new export gives them), before the file is read.
        if let s = lecture.sourceProfil {
            // A proposition's identifier derived from an assembled request's is in clear too.
            let demandes = s.assemble(.sollicitations, "id_sollicitation")
            let propositions = demandes || s.assemble(.propositions, "id_proposition")
            let n = demandes || propositions
                ? try ecrivain.pseudonymiserIdentifiantsEnClair(source: idSource, demandes: demandes, propositions: propositions) { pseudonymiseur.pseudonyme($0) }
                : 0
            if n > 0 {
                notes.append("« \(TexteSur.surUneLigne(lecture.nom)) » : \(FormatFrancais.pluriel(n, "identifiant enregistré en clair", "identifiants enregistrés en clair")) par une version précédente (noms assemblés par le profil) \(n > 1 ? "ont été pseudonymisés" : "a été pseudonymisé").")
            }
        }
        var bilans: [BilanFichier] = []
        var compteurs: [Ecrivain.Compteurs] = []
        var imports: [Int64] = []
        for t in tables {
            var b = BilanFichier(fichier: lecture.nom, chemin: lecture.url)
            b.table = t
            b.format = source.description
            b.colonnesIgnorees = projection.ignorees
            b.profil = lecture.profil?.nom
            b.sourceProfil = lecture.sourceProfil?.nom
            b.instantane = lecture.instantane
            bilans.append(b)
            compteurs.append(Ecrivain.Compteurs())
            imports.append(try ecrivain.ouvrirImport(execution: execution, fichier: lecture.nom, table: t, profil: lecture.profil?.nom,
                                                     source: idSource, instantane: lecture.instantane))
        }
        let validateurs = tables.enumerated().map { k, t in
            Validateur(table: t, configuration: espace.configuration, aujourdhui: options.aujourdhui,
                       pseudonymiseur: pseudonymiseur, serielExcel: source is LecteurXLSX, dates1904: source.dates1904,
                       collectees: Set(projection.collectees[k]))
        }
        let contexte = ContexteMessages(profil: lecture.profil)
        /// A rule checked when the row is stored, in the tracker's words (its column, its value).
        func dansLesMotsDeLaSource(_ r: Rejet, _ ligne: LigneValidee) -> Rejet {
            guard let origines = ligne.origines else { return r }
            return contexte.dansLesMotsDeLaSource(r, table: tables[ligne.table], origines: origines)
        }
        // A file that feeds one table, empty so far, is loaded in bulk (staging table copied
        // sorted, indexes built at the end): see `Ecrivain.commencerEnBloc`. A tracker feeding requests and
        // propositions row by row takes the ordinary path (a proposition needs its request
        // already stored and indexed).
        defer { ecrivain.abandonnerEnBloc() }
        if tables.count == 1, try ecrivain.commencerEnBloc(tables[0]) { bilans[0].chargementEnBloc = true }
        /// Rows whose identifier a bulk load could not settle (``Ecrivain/Operation/differee``):
        /// stored once the bulk load is over.
        var differees: [(LigneValidee, Enregistrement, Ecrivain.SollicitationConnue?)] = []
        var acteursConnus: [String: Bool] = [:]
        /// Source lines whose request was rejected (their propositions say so).
        var sollicitationsRejetees: Set<Int> = []
        /// Stored requests this file moves after the date of one of their stored propositions:
        /// stored at the end of the file, once the file has had the chance to move the
        /// propositions as well (a tracker whose row corrects both dates); rejected when a
        /// proposition still comes first. Another row with the same identifier meanwhile is a
        /// duplicate (the first row is the one kept).
        var redatees: [(LigneValidee, Enregistrement)] = []
        var idsRedates: Set<String> = []
        /// Source lines whose request number belongs to another snapshot source: their
        /// propositions would attach to that other request.
        var demandesDUneAutreSource: Set<Int> = []

        func rejeter(_ r: Rejet, _ k: Int) throws {
            bilans[k].rejetees += 1
            bilans[k].motifs[r.regle.rawValue, default: 0] += 1
            if bilans[k].exemples.count < 5 { bilans[k].exemples.append(r) }
            try ecrivain.rejeter(r, importId: imports[k], fichier: lecture.nom)
            if lecture.instantane, let id = r.identifiant, !id.isEmpty, r.regle != .doublon {
                try ecrivain.conserver(tables[k], identifiant: id, importId: imports[k], source: idSource)
            }
            if tables[k] == .sollicitations { sollicitationsRejetees.insert(r.ligne) }
        }

        func rejeterDoublon(_ ligne: LigneValidee) throws {
            let k = ligne.table
            // A tracker that repeats a call's number on a second row to hold more orientations
            // would lose one by deleting « the duplicate »: its profile needs another rank.
            let conseil = lecture.profil != nil
                ? " Si c'est un doublon, supprimez-le dans le tableur ; si la ligne répète le numéro pour porter d'autres orientations, ajoutez plutôt un rang au profil (rangs: [1, 2, 3]) et des colonnes pour elles."
                : " Supprimez le doublon dans l'outil de suivi."
            var r = Rejet(ligne: ligne.ligne, colonne: tables[k].identifiant.joined(separator: " + "), valeur: ligne.identifiant, regle: .doublon,
                          message: "L'identifiant « \(Masque.extrait(ligne.identifiant)) » apparaît plusieurs fois dans ce fichier ; seule sa première ligne a été gardée." + conseil)
            r.identifiant = ligne.identifiant
            try rejeter(r, k)
        }

        /// Stores a row that passed every rule, and counts it (or rejects a duplicate).
        /// `redatee`: the row comes back from ``redatees`` (see there).
        func stocker(_ ligne: LigneValidee, _ enregistrement: Enregistrement, _ demande: Ecrivain.SollicitationConnue?,
                     redatee: Bool = false) throws {
            let k = ligne.table
            if !redatee, !redatees.isEmpty, case .sollicitation(let s) = enregistrement, idsRedates.contains(s.idSollicitation) {
                try rejeterDoublon(ligne)
                return
            }
            let operation: Ecrivain.Operation
            do {
                var enConflit = false
                if case .proposition(let p) = enregistrement { enConflit = demandesEnConflit.contains(p.idSollicitation) }
                operation = try ecrivain.enregistrer(enregistrement, empreinte: ligne.empreinte, importId: imports[k], source: idSource,
                                                     instantane: lecture.instantane, sollicitation: demande, demandeEnConflit: enConflit)
            } catch let e as DatabaseError where e.extendedResultCode == .SQLITE_CONSTRAINT_CHECK {
                // A stored request moved after the date of one of its stored propositions (the
                // statement was undone whole). The file may move that proposition too further
                // on (a tracker row carries both): the request waits for the end of the file.
                guard !redatee, case .sollicitation(let s) = enregistrement,
                      try ecrivain.propositionAnterieure(a: s.idSollicitation, date: s.dateSollicitation) != nil else { throw e }
                redatees.append((ligne, enregistrement))
                idsRedates.insert(s.idSollicitation)
                return
            }
            switch operation {
            case .doublon:
                try rejeterDoublon(ligne)
                return
            case .autreSource:
                var r = Rejet(ligne: ligne.ligne, colonne: tables[k].identifiant.joined(separator: " + "), valeur: ligne.identifiant, regle: .doublon,
                              message: "L'identifiant « \(Masque.extrait(ligne.identifiant)) » est déjà celui d'une ligne d'un autre classeur (une autre source : celui d'une autre antenne, ou de l'an passé) : deux classeurs ne peuvent pas utiliser les mêmes numéros, l'un écraserait l'autre. Rendez les numéros uniques : un préfixe dans le tableur (2026-001, TER-001), ou dans le profil en joignant une colonne ou une valeur au numéro (voir « Un classeur par territoire » et « Un classeur par année » dans docs/format-des-exports.md).")
                r.identifiant = ligne.identifiant
                try rejeter(r, k)
                if tables[k] == .sollicitations { demandesDUneAutreSource.insert(ligne.ligne) }
                return
            case .autreDemande(let fichier):
                let autre = fichier.map { "enregistrée depuis « \(TexteSur.surUneLigne($0)) »" } ?? "enregistrée par un autre fichier"
                let quoi = tables[k] == .sollicitations
                    ? "d'une autre demande, \(autre) (une autre personne, à une autre date ou sur un autre territoire)"
                    : "d'une proposition d'une autre demande, \(autre) (ou sa demande a été refusée par cet import pour la même raison)"
                var r = Rejet(ligne: ligne.ligne, colonne: tables[k].identifiant.joined(separator: " + "), valeur: ligne.identifiant, regle: .doublon,
                              message: "Le numéro « \(Masque.extrait(ligne.identifiant)) » est déjà celui \(quoi) : elle n'est pas remplacée. Deux exports (deux antennes, deux outils, deux années) ne peuvent pas utiliser les mêmes numéros, l'un écraserait l'autre : faites précéder ceux de l'un d'un préfixe (par exemple SUD-1, ou 2026-001) dans l'outil ou le tableur, puis réimportez ce fichier ; ou lisez chaque tableur avec son profil (voir « Un classeur par territoire » dans docs/format-des-exports.md).")
                r.identifiant = ligne.identifiant
                try rejeter(dansLesMotsDeLaSource(r, ligne), k)
                if case .sollicitation(let s) = enregistrement {
                    demandesEnConflit.insert(s.idSollicitation)
                    demandesDUneAutreSource.insert(ligne.ligne)
                }
                return
            case .differee:
                differees.append((ligne, enregistrement, demande))
                // Many unsettled rows (a file holding the same export twice): the bulk load
                // ends here and the rest of the file takes the ordinary path.
                if differees.count >= Importeur.differeesMax { try terminerEnBloc() }
                return
            case .ajoutee: bilans[k].ajoutees += 1
            case .modifiee: bilans[k].modifiees += 1
            case .inchangee: bilans[k].inchangees += 1
            case .ecrite: break
            }
            bilans[k].importees += 1
            for a in ligne.avertissements {
                bilans[k].avertissements[a.regle.rawValue, default: 0] += 1
                if bilans[k].exemplesAvertissements.count < 5 { bilans[k].exemplesAvertissements.append(a) }
                try ecrivain.avertir(a, importId: imports[k], fichier: lecture.nom, identifiant: enregistrement.identifiant)
            }
            compteur += 1
            try options.apresChaqueLigne?(compteur)
        }

        /// Ends the bulk load (if any) and stores the rows it left unsettled, in file order: the
        /// identifier index now tells a duplicate for sure.
        func terminerEnBloc() throws {
            guard ecrivain.enBloc else { return }
            try ecrivain.terminerEnBloc()
            let restantes = differees
            differees = []
            for (ligne, enregistrement, demande) in restantes { try stocker(ligne, enregistrement, demande) }
        }

        // Reading on three threads (parse, then validate every other batch: pure work, no
        // database), storing on this one, in file order (see `LectureParallele`).
        let lecteur = LectureParallele(source: source) { brut, lot in
            Importeur.preparer(brut, projection: projection, entete: source.entete, validateurs: validateurs,
                               contexte: contexte, lignesCompletes: source.lignesCompletes, dans: &lot)
        }
        lecteur.demarrer()
        defer { lecteur.arreter() }

        lecture: while true {
            switch lecteur.recevoir() {
            case .fin(let vides):
                for k in bilans.indices { bilans[k].lignesVides = vides }
                break lecture
            case nil:
                break lecture
            case .erreur(let e):
                throw e
            case .lignes(let lot, let octetsLus):
                for element in lot {
                    guard case .ligne(let ligne) = element else {
                        for k in bilans.indices { bilans[k].lignesIgnorees += 1 }
                        continue
                    }
                    let k = ligne.table
                    bilans[k].lues += 1
                    let enregistrement: Enregistrement
                    switch ligne.resultat {
                    case .failure(let r):
                        try rejeter(r, k)
                        continue
                    case .success(let e):
                        enregistrement = e
                    }
                    // Rules that need what is already stored.
                    var demande: Ecrivain.SollicitationConnue?
                    if case .proposition(let p) = enregistrement {
                        let autreSource = demandesDUneAutreSource.contains(ligne.ligne)
                        guard !autreSource, let connue = try ecrivain.sollicitation(p.idSollicitation) else {
                            let memeLigne = autreSource || (tables.contains(.sollicitations) && sollicitationsRejetees.contains(ligne.ligne))
                            var r = Rejet(ligne: ligne.ligne, colonne: "id_sollicitation", valeur: p.idSollicitation, regle: .referenceInconnue,
                                          message: memeLigne
                                            ? "La sollicitation de cette même ligne a été rejetée (voir son motif) : la proposition ne peut pas être enregistrée sans elle. Corrigez la sollicitation ; la proposition sera enregistrée au prochain import."
                                            : "La sollicitation « \(Masque.extrait(p.idSollicitation)) » n'existe pas dans la base. Importez le fichier des sollicitations qui la contient (dans la même commande, il passe en premier), puis réimportez ce fichier avec --forcer.")
                            r.identifiant = p.idProposition
                            try rejeter(r, k)
                            continue
                        }
                        demande = connue
                        if let dateProposition = p.dateProposition, dateProposition < connue.date {
                            var r = Rejet(ligne: ligne.ligne, colonne: "date_proposition", valeur: dateProposition.francais, regle: .dateIncoherente,
                                          message: "La proposition est datée du \(dateProposition.francais), avant sa sollicitation « \(Masque.extrait(p.idSollicitation)) » reçue le \(connue.date.francais). Corrigez l'une des deux dates.")
                            r.identifiant = p.idProposition
                            try rejeter(dansLesMotsDeLaSource(r, ligne), k)
                            continue
                        }
                        if let acteur = p.acteurId {
                            let existe: Bool
                            if let connu = acteursConnus[acteur] { existe = connu } else {
                                existe = try ecrivain.acteurExiste(acteur)
                                if acteursConnus.count < 100_000 { acteursConnus[acteur] = existe }
                            }
                            guard existe else {
                                var r = Rejet(ligne: ligne.ligne, colonne: "acteur_id", valeur: acteur, regle: .referenceInconnue,
                                              message: "L'acteur « \(Masque.extrait(acteur)) » n'existe pas dans l'annuaire. Importez d'abord le fichier des acteurs qui le contient, ou laissez la colonne vide.")
                                r.identifiant = p.idProposition
                                try rejeter(dansLesMotsDeLaSource(r, ligne), k)
                                continue
                            }
                        }
                    }
                    if case .sollicitation(var s) = enregistrement, espace.configuration.territoires.isEmpty {
                        let garde = try territoireGarde(s.territoire, ecrivain)
                        if garde != s.territoire {
                            s.territoire = garde
                            try stocker(ligne, .sollicitation(s), demande)
                            continue
                        }
                    }
                    try stocker(ligne, enregistrement, demande)
                }
                progression(octetsLus)
                apresLot()
            }
        }
        try terminerEnBloc()
        for (ligne, enregistrement) in redatees {
            do {
                try stocker(ligne, enregistrement, nil, redatee: true)
            } catch let e as DatabaseError where e.extendedResultCode == .SQLITE_CONSTRAINT_CHECK {
                guard case .sollicitation(let s) = enregistrement,
                      let p = try ecrivain.propositionAnterieure(a: s.idSollicitation, date: s.dateSollicitation) else { throw e }
                var r = Rejet(ligne: ligne.ligne, colonne: "date_sollicitation", valeur: s.dateSollicitation.francais, regle: .dateIncoherente,
                              message: "La sollicitation « \(Masque.extrait(s.idSollicitation)) » serait reçue le \(s.dateSollicitation.francais), après sa proposition « \(Masque.extrait(p.id)) » déjà enregistrée (datée du \(p.date.francais)) : la base garde la sollicitation telle qu'elle était. Corrigez la date de la sollicitation, ou celle de la proposition (un fichier de propositions corrigé s'importe seul d'abord, puis celui-ci). Si c'est une autre demande qui reprend un ancien numéro (un classeur d'une nouvelle année), les numéros doivent rester uniques d'une année à l'autre.")
                r.identifiant = s.idSollicitation
                try rejeter(r, ligne.table)
            }
        }
        let empreinte = try source.empreinte()
        // Still being written while it was read: nothing of it is kept, it waits for later.
        if source.aChange { throw FichierIllisible.enCoursDEcriture(lecture.nom) }
        for k in bilans.indices { bilans[k].empreinte = empreinte }
        if !options.forcer, try tables.allSatisfy({ try ecrivain.dejaImporte(empreinte: empreinte, table: $0, profil: lecture.profil?.nom) }) {
            // The same content again changes nothing (spec/cli.md); but when it would now store
            // more rows than it did (the configuration fixed, the requests its propositions
            // lacked imported since), the coordinator is told how to take them.
            for b in bilans {
                guard let t = b.table, let avant = try ecrivain.importeesAvant(empreinte: empreinte, table: t, profil: lecture.profil?.nom),
                      b.importees > avant else { continue }
                notes.append("« \(TexteSur.surUneLigne(lecture.nom)) » (\(t.libelle)) : déjà importé, mais il donnerait maintenant \(FormatFrancais.pluriel(b.importees - avant, "ligne enregistrée", "lignes enregistrées")) de plus qu'alors (configuration corrigée, ou ce qui leur manquait importé depuis). Pour les prendre : c360 importer --forcer FICHIER, avec ce fichier (« \(TexteSur.surUneLigne(lecture.nom)) » ; l'exécution mensuelle le range dans les archives du mois).")
            }
            return bilans.map { b in
                var d = BilanFichier(fichier: b.fichier, chemin: b.chemin)
                d.table = b.table
                d.profil = b.profil
                d.sourceProfil = b.sourceProfil
                d.empreinte = b.empreinte
                d.format = b.format
                d.instantane = b.instantane
                d.dejaImporte = true
                return d
            }
        }
        // A snapshot: the rows of the source that the new export no longer holds are removed —
        // the propositions first, then the requests (with what hangs on them), then the rest.
        if lecture.instantane {
            // An export that no longer holds a large part of what its source stored is more
            // likely another file than the new state of the same one: a new year's workbook, a
            // filtered copy, a sheet whose closed cases were moved away, identifiers that all
            // changed. Nothing of it is stored (its new rows would count twice beside the old
            // ones, which would stay), unless the coordinator confirms. The share is taken of
            // the rows the source held before this file: its own new rows do not dilute it.
            // Taken over all the tables of the file together: a tracker that drops 7 duplicate
            // requests of 60 loses their propositions too, a larger share of a smaller table.
            if !options.accepterSuppressions {
                var parTable: [(TableCanonique, absentes: Int, avant: Int)] = []
                for k in tables.indices where bilans[k].importees > 0 {
                    let absentes = try ecrivain.compterAbsentes(tables[k], source: idSource, importId: imports[k])
                    parTable.append((tables[k], absentes, absentes + bilans[k].modifiees + bilans[k].inchangees))
                }
                let (absentes, avant) = (parTable.reduce(0) { $0 + $1.absentes }, parTable.reduce(0) { $0 + $1.avant })
                // Not one identifier in common with what the source held, however few rows: another
                // tracker read as the same source (another antenna's, next year's), which would
                // wipe the first one (every month, the last saved of the two winning).
                // At least two rows: a tracker whose only (test) row was replaced is no other
                // tracker (the regression review's L1).
                let disjoint = absentes >= 2 && absentes == avant
                if disjoint || Importeur.suppressionSuspecte(absentes: absentes, enregistrees: avant) {
                    let detail = parTable.filter { $0.absentes > 0 }.map { "\(FormatFrancais.entier($0.absentes)) des \(FormatFrancais.entier($0.avant)) lignes « \($0.0.rawValue) »" }
                        .joined(separator: ", ")
                    let commande = "c360 importer" + (lecture.profil == nil ? " --instantane" : "") + " --accepter-suppressions " + Shell.citer(lecture.url.path, toujours: true)
                    throw FichierIllisible(
                        fichier: lecture.nom,
                        raison: disjoint
                            ? "cet état complet n'a aucune ligne en commun (aucun identifiant) avec les \(FormatFrancais.entier(avant)) lignes que sa source avait enregistrées : c'est sans doute un autre tableur lu comme la même source (celui d'une autre antenne ou d'une autre année), qui effacerait le premier ; par prudence, rien n'en a été importé ni supprimé"
                            : "cet état complet ne contient plus \(detail) que sa source avait enregistrées : ce n'est sans doute pas le nouvel état du même tableur (le classeur d'une nouvelle année, un extrait filtré, des situations closes déplacées dans une autre feuille, des identifiants qui ont changé) ; par prudence, rien n'en a été importé ni supprimé",
                        conseil: "S'il s'agit d'un autre tableur, donnez-lui sa propre source (voir « Un classeur par territoire » et « Un classeur par année » dans docs/format-des-exports.md). Si ces lignes doivent vraiment disparaître de la base : \(commande) (si l'exécution mensuelle a rangé le fichier dans « erreurs », prenez-le là).")
                }
            }
            for k in tables.indices.sorted(by: { tables[$0] > tables[$1] }) {
                guard bilans[k].importees > 0 else {
                    // Said only when there was something to keep (an empty sheet of the
                    // ready-made tracker, empty every month, needs no word).
                    let gardees = try ecrivain.compterAbsentes(tables[k], source: idSource, importId: imports[k])
                    if gardees > 0 {
                        notes.append("« \(lecture.nom) » (\(tables[k].libelle)) : aucune ligne enregistrée ; par prudence, rien n'a été supprimé de la source (ses \(FormatFrancais.entier(gardees)) lignes d'avant sont conservées).")
                    }
                    continue
                }
                let s = try ecrivain.supprimerAbsentes(tables[k], source: idSource, importId: imports[k])
                bilans[k].supprimees = s.lignes
                if s.propositionsLiees > 0 {
                    if let p = tables.firstIndex(of: .propositions) { bilans[p].supprimees += s.propositionsLiees } else {
                        notes.append("« \(lecture.nom) » : \(FormatFrancais.pluriel(s.propositionsLiees, "proposition supprimée", "propositions supprimées")) avec leur sollicitation, absente du nouvel export (lues dans une autre feuille ou un autre fichier).")
                    }
                }
                if s.acteursDetaches > 0 {
                    notes.append("« \(lecture.nom) » : \(s.acteursDetaches) proposition(s) n'ont plus d'acteur principal (acteur retiré de l'annuaire).")
                }
            }
        }
        for k in bilans.indices {
            var c = Ecrivain.Compteurs(lues: bilans[k].lues, importees: bilans[k].importees, rejetees: bilans[k].rejetees)
            c.vides = bilans[k].lignesVides
            c.ignorees = bilans[k].lignesIgnorees
            c.avertissements = bilans[k].totalAvertissements
            if lecture.instantane {
                c.ajoutees = bilans[k].ajoutees
                c.modifiees = bilans[k].modifiees
                c.inchangees = bilans[k].inchangees
                c.supprimees = bilans[k].supprimees
            }
            compteurs[k] = c
            try ecrivain.fermerImport(imports[k], empreinte: empreinte, c, collectees: projection.collectees[k])
        }
        progression(source.octetsLus)
        return bilans
    }

    /// Whether removing `absentes` of the `enregistrees` rows a snapshot's source holds in a
    /// table looks like a mistake rather than the source's new state: at least 5 rows, and
    /// more than a fifth of them. A tracker re-exported every month loses a few rows (a
    /// duplicate removed, a call entered by mistake); losing a fifth at once is what a new
    /// year's workbook or a filtered copy does.
    ///
    /// ```swift
    /// Importeur.suppressionSuspecte(absentes: 3, enregistrees: 10)    // false: fewer than 5
    /// Importeur.suppressionSuspecte(absentes: 10, enregistrees: 13)   // true
    /// Importeur.suppressionSuspecte(absentes: 20, enregistrees: 400)  // false: 5 %
    /// ```
    public static func suppressionSuspecte(absentes: Int, enregistrees: Int) -> Bool {
        absentes >= 5 && absentes * 5 > enregistrees
    }

    /// The tables a table's rows point to: a proposition to its request and to its actor.
    public static let parentes: [TableCanonique: [TableCanonique]] = [.propositions: [.sollicitations, .acteurs]]

    /// The tables a file feeds, as its name tells (a profile's sources recognising it, or a
    /// canonical name): for files that are not opened in this run.
    public static func tablesSelonNom(_ nom: String, options: OptionsImport) -> [TableCanonique] {
        if let profil = options.profil ?? options.profils.first(where: { $0.reconnait(nom) }) {
            return profil.sources(pourFichier: nom).flatMap { $0.tables.map(\.table) }
        }
        return (options.table ?? TableCanonique.depuisNomDeFichier(nom)).map { [$0] } ?? []
    }

    static let tailleLot = 512
    /// Rows a bulk load may leave unsettled before it ends early (see ``Ecrivain/Operation/differee``).
    static let differeesMax = 10_000

    /// The reader stage for one record: reading anomalies, field count, mapping (profile),
    /// validation. Pure: it touches no database, so it runs on the reading threads.
    /// `lignesCompletes`: the source writes every cell of a row (see ``SourceTabulaire/lignesCompletes``).
    static func preparer(_ brut: EnregistrementBrut, projection: Projection, entete: [String], validateurs: [Validateur],
                         contexte: ContexteMessages, lignesCompletes: Bool, dans lot: inout [ElementLu]) {
        let largeur = entete.count
        if let anomalie = brut.anomalie {
            // A totals row whose formulas were saved without their values is still a totals
            // row: the profile's filters set it aside before its unreadable cells reject it.
            if case .cellulesIllisibles = anomalie, projection.ecartee(brut.champs, calculees: brut.calculees) {
                lot.append(.ignoree)
                return
            }
            lot.append(.ligne(LigneValidee(ligne: brut.ligne, table: 0, resultat: .failure(rejet(anomalie, ligne: brut.ligne, entete: entete)),
                                           avertissements: [], identifiant: "")))
            return
        }
        if brut.champs.count > largeur, brut.champs[largeur...].contains(where: { !Normalisation.rogner($0).isEmpty }) {
            lot.append(.ligne(LigneValidee(ligne: brut.ligne, table: 0, resultat: .failure(Rejet(
                ligne: brut.ligne, colonne: nil, valeur: nil, regle: .ligneMalformee,
                message: "La ligne a \(brut.champs.count) champs alors que l'en-tête a \(largeur) colonnes : un séparateur ou un guillemet est sans doute en trop. Corrigez la ligne dans l'export.")),
                avertissements: [], identifiant: "")))
            return
        }
        switch projection.projeter(brut.champs, calculees: brut.calculees) {
        case .ignoree:
            lot.append(.ignoree)
        case .lignes(let lignes):
            for var l in lignes {
                if let (remplies, vides) = l.incomplete {
                    let liste = { (noms: [String]) in noms.map { "« \(Normalisation.texte($0)) »" }.joined(separator: ", ") }
                    var r = Rejet(ligne: brut.ligne, colonne: nil, valeur: nil, regle: .valeurManquante,
                                  message: "\(liste(remplies)) \(remplies.count > 1 ? "sont remplies" : "est remplie") mais \(liste(vides)) \(vides.count > 1 ? "sont vides" : "est vide") : le profil ne crée la ligne (\(validateurs[l.table].table.libelle)) que si \(vides.count > 1 ? "elles sont remplies" : "elle est remplie"), elle n'est donc ni enregistrée ni comptée. Complétez \(liste(vides)) dans le tableur (ligne \(brut.ligne)), ou videz les autres colonnes si rien n'a été proposé, puis réimportez le fichier.")
                    r.colonneSource = vides.joined(separator: ", ")
                    r.correction = .tableur
                    lot.append(.ligne(LigneValidee(ligne: brut.ligne, table: l.table, resultat: .failure(r), avertissements: [], identifiant: "")))
                    continue
                }
                let validateur = validateurs[l.table]
                let table = validateur.table
                // An identifier a profile joins from several columns (« assembler » : a name and
                // a date of birth, when the tracker has no number) is pseudonymised like the
                // person's: keyed hash, the same for the same text, so that a re-export and the
                // propositions of the row still find it; never stored in clear.
                if let origines = l.origines, let pseudonymiseur = validateur.pseudonymiseur {
                    for i in l.valeurs.indices where origines[i]?.assemblee == true && ProjectionProfil.identifiants.contains(table.colonnes[i].nom) {
                        let v = Normalisation.rogner(l.valeurs[i] ?? "")
                        if !v.isEmpty { l.valeurs[i] = pseudonymiseur.pseudonyme(v) }
                    }
                }
                let parties = validateur.positionsIdentifiant.map { l.valeurs[$0].map(Normalisation.rogner) ?? "" }
                let identifiant = parties.contains(where: \.isEmpty) ? "" : parties.joined(separator: " / ")
                var (resultat, avertissements) = validateur.validerAvecAvertissements(l.valeurs, ligne: brut.ligne)
                if case .failure(var r) = resultat {
                    if !identifiant.isEmpty { r.identifiant = identifiant }
                    // A row shorter than the header reads its missing cells as empty (some tools
                    // drop empty cells at the end of a row); when that fails, the cut is the
                    // likelier cause, and the message says so.
                    let n = brut.champs.count
                    if lignesCompletes, n < largeur, let m = entete.lastIndex(where: { !$0.isEmpty }), n <= m {
                        r.message = "La ligne n'a que \(n) champ\(n > 1 ? "s" : "") pour \(m + 1) colonnes (ligne incomplète, ou coupée en deux par un retour à la ligne dans une cellule sans guillemets). " + r.message
                    }
                    if let origines = l.origines { r = contexte.dansLesMotsDeLaSource(r, table: table, origines: origines) }
                    // The filter to advise: on a column showing a format, by its first letters
                    // (« JJ* » for « JJ/MM/AAAA »), which a call's real date never matches.
                    if ProjectionProfil.ligneDAide(brut.champs),
                       let i = brut.champs.indices.first(where: { i in
                           i < entete.count && !entete[i].isEmpty && ProjectionProfil.estIndicationDeSaisie(brut.champs[i], dates: true)
                       }) {
                        let motif = String(Normalisation.rogner(brut.champs[i]).prefix(2)) + "*"
                        r.message += " Cette ligne montre des formats de saisie (JJ/MM/AAAA, O/N) : si c'est la ligne d'aide sous l'en-tête, écartez-la par un filtre du profil, ignorer_lignes: [ { \"\(Normalisation.texte(entete[i]))\": { motif: \"\(motif)\" } } ], ou supprimez-la du tableur."
                    }
                    if let nonLues = projection.seulesNonLues(brut.champs, calculees: brut.calculees) {
                        r.message += " En dehors de son numéro, la ligne n'a rien que dans \(nonLues.count > 1 ? "des colonnes" : "une colonne") que le profil ne lit pas (\(Masque.listeEntetes(nonLues.map { $0 < entete.count ? entete[$0] : "" }))) : si \(nonLues.count > 1 ? "ce sont des formules recopiées" : "c'est une formule recopiée") vers le bas sur des lignes préparées d'avance, déclarez \(nonLues.count > 1 ? "ces colonnes" : "cette colonne") dans « colonnes_calculees » du profil (voir « Ce que devient une ligne » dans docs/format-des-exports.md) : ces lignes seront écartées tant qu'elles ne sont pas remplies."
                    }
                    resultat = .failure(r)
                } else if let origines = l.origines {
                    avertissements = avertissements.map { contexte.dansLesMotsDeLaSource($0, table: table, origines: origines) }
                }
                var validee = LigneValidee(ligne: brut.ligne, table: l.table, resultat: resultat,
                                           avertissements: avertissements, identifiant: identifiant)
                if case .success(let e) = resultat {
                    validee.empreinte = e.empreinte
                    validee.origines = l.origines
                }
                lot.append(.ligne(validee))
            }
        }
    }

    static func rejet(_ a: AnomalieLecture, ligne: Int, entete: [String]) -> Rejet {
        switch a {
        case .encodage(let m):
            return Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .encodageInvalide,
                         message: "Ligne illisible : \(m). Enregistrez tout le fichier dans un seul encodage (CSV UTF-8 de préférence).")
        case .caractereNul:
            return Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .encodageInvalide,
                         message: "Ligne illisible : elle contient un caractère nul (code 0), qui n'est pas du texte. Retapez les valeurs de cette ligne dans le tableur, ou enregistrez le fichier à nouveau (CSV UTF-8 ou .xlsx), puis réimportez-le.")
        case .cellulesIllisibles(let cellules):
            let c = cellules[0]
            let nom = c.colonne < entete.count ? entete[c.colonne] : nil
            let lieu = "La cellule \(c.reference)" + (nom.map { " (colonne « \(TexteSur.surUneLigne($0)) »)" } ?? "")
            let autres = cellules.count > 1 ? " La ligne a \(cellules.count - 1) autre\(cellules.count > 2 ? "s" : "") cellule\(cellules.count > 2 ? "s" : "") dans ce cas." : ""
            let message: String
            switch c.nature {
            case .texteIntrouvable:
                message = "\(lieu) renvoie à un texte absent du classeur : le fichier est endommagé, et sa valeur est inconnue.\(autres) Ouvrez le classeur dans Excel ou LibreOffice, vérifiez cette cellule, enregistrez-le à nouveau au format .xlsx puis réimportez-le."
            case .formuleSansValeur:
                message = "\(lieu) contient une formule dont la valeur n'a pas été calculée (classeur écrit par un programme, pas par un tableur).\(autres) Ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le, pour que les valeurs des formules soient calculées, puis réimportez-le."
            case .repetee:
                message = "\(lieu) apparaît deux fois dans cette ligne du classeur (fichier écrit ou modifié par un programme) : laquelle des deux valeurs est la bonne ne peut pas être décidé.\(autres) Ouvrez le classeur dans Excel ou LibreOffice, vérifiez la ligne, enregistrez-le à nouveau au format .xlsx puis réimportez-le."
            case .erreurExcel(let code):
                message = "\(lieu) contient une erreur Excel\(code.map { " (\($0))" } ?? "") au lieu d'une valeur (par exemple une recherche qui n'a rien trouvé, ou une formule qui renvoie à une cellule supprimée).\(autres) Dans le classeur, corrigez la formule de cette cellule ou remplacez-la par la bonne valeur, enregistrez-le puis réimportez-le."
            }
            return Rejet(ligne: ligne, colonne: nom, valeur: nil, regle: .celluleIllisible, message: message)
        case .ligneDesordonnee(let precedente):
            return Rejet(ligne: ligne, colonne: nil, valeur: nil, regle: .ligneMalformee,
                         message: "Le classeur numérote cette ligne \(ligne) alors qu'elle vient après la ligne \(precedente) : l'ordre des lignes du fichier est incohérent (fichier écrit ou modifié par un programme). Ouvrez le classeur dans Excel ou LibreOffice, vérifiez ses lignes, enregistrez-le à nouveau au format .xlsx puis réimportez-le.")
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
