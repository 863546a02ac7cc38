import CReglagesSQLite
import Foundation
import GRDB
import ObservatoireCore

/// The observatory's SQLite database.
///
/// The schema changes only through the migrations of ``Base/migrations``; opening a database
/// applies the missing ones. The file is created with mode 0600 (SQLite gives its journal the
/// same mode).
///
/// ```swift
/// let base = try Base.ouvrir(espace.baseDeDonnees)
/// let n = try base.file.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sollicitations") }
/// ```
public final class Base {
    public let file: DatabaseQueue
    public let url: URL

    private init(file: DatabaseQueue, url: URL) {
        self.file = file
        self.url = url
    }

    /// The page cache of every connection, in KiB (see ``ouvrir(_:creer:lectureSeule:)``).
    public static let cacheKio = 8_192

    /// Process-wide SQLite settings, once, before the first connection.
    private static let reglages: Void = { _ = c360_reglages_sqlite() }()

    /// How long a connection waits for another program's lock (a nightly `sqlite3 .backup`, a
    /// report reading while an import writes) before giving up with exit code 75. Tests shorten it.
    public static var attenteSiOccupee: TimeInterval = 10

    /// Opens (and creates when `creer`) the database, and migrates it.
    ///
    /// `espace`, the workspace the database belongs to, guards against a lost database: when the
    /// file is missing or empty (0 bytes, which SQLite would take for a new database) while the
    /// workspace already has a history (``EspaceDeTravail/traceDHistorique()``), nothing is
    /// created or migrated and the error says to restore it from the backup. Every command
    /// passes it; only tests and throwaway databases leave it out.
    public static func ouvrir(_ url: URL, creer: Bool = true, lectureSeule: Bool = false,
                              espace: EspaceDeTravail? = nil) throws -> Base {
        _ = reglages
        let fm = FileManager.default
        let etat = etatDuFichier(url.path)
        if etat != .present {
            if let espace, let trace = espace.traceDHistorique() {
                throw basePerdue(url, vide: etat == .vide, trace: trace, espace: espace)
            }
            guard creer else {
                throw ErreurObservatoire(.usage, "La base de données « \(url.path) » "
                                            + (etat == .vide ? "est vide : aucun import n'y a encore été fait." : "n'existe pas encore."),
                                         conseil: "Importez d'abord des exports avec « c360 importer FICHIERS » ou « c360 executer ».")
            }
        }
        if etat == .absent {
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw ErreurObservatoire.ecriture(url.deletingLastPathComponent().path, erreur: error)
            }
            let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 || errno == EEXIST else {
                throw ErreurObservatoire.ecriture(url.path, MessageSysteme.errno(errno))
            }
            if fd >= 0 { close(fd) }
        }
        var config = GRDB.Configuration()
        config.readonly = lectureSeule
        config.foreignKeysEnabled = true
        config.label = "observatoire"
        // Another process (a report) may read while an import writes: wait for it rather than fail.
        config.busyMode = .timeout(attenteSiOccupee)
        config.prepareDatabase { db in
            // Durability: never relax synchronous on the real database.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A page cache of 8 MiB, and no memory-mapped reads. Measured on the national decade
            // (BENCHMARKS.md, 23/11/2026): with 32 MiB and `mmap` on the reading connections, a
            // report held 170 to 220 MiB (the mapped pages of a year count as resident memory),
            // against 75 MiB now; the indicators take the same time, a report ~0.15 s more,
            // and a snapshot re-import (upserts) the same time with 59 MiB instead of 84.
            try db.execute(sql: "PRAGMA cache_size = -\(Base.cacheKio)")
            // Statement journals and sorts in memory: every upsert of the import needs a
            // statement journal, and opening a temporary file for each cost a fifth of the import.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let file: DatabaseQueue
        do {
            file = try DatabaseQueue(path: url.path, configuration: config)
        } catch let e as DatabaseError where estOccupee(e) || estEndommagee(e) {
            // Busy (another program holds a lock) or damaged: exit 75 or 65, not a usage error.
            throw erreurFrancaise(e, chemin: url.path, intacte: true)
        } catch {
            throw ErreurObservatoire(.usage, "Impossible d'ouvrir la base de données « \(url.path) » : \(cause(error)).",
                                     conseil: "Vérifiez les droits du fichier et du dossier « donnees », et qu'il s'agit bien d'une base c360.")
        }
        let base = Base(file: file, url: url)
        if !lectureSeule {
            do {
                // A migration that rebuilds a table sorts its indexes: in temporary files, not in
                // memory (a national history would need hundreds of MiB).
                try file.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = FILE") }
                defer { try? file.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") } }
                try migrations.migrate(file)
            } catch let e as DatabaseError {
                throw erreurFrancaise(e, chemin: url.path, pendant: "la mise à jour de son schéma", intacte: true)
            }
        }
        return base
    }

    enum EtatFichier { case absent, vide, present }

    /// Whether the database file is missing, empty (0 bytes: SQLite would take it for a new
    /// database) or there. Anything `stat` cannot tell (no permission) counts as there: SQLite
    /// then says what is wrong.
    static func etatDuFichier(_ chemin: String) -> EtatFichier {
        var s = stat()
        guard stat(chemin, &s) == 0 else { return errno == ENOENT ? .absent : .present }
        return s.st_mode & S_IFMT == S_IFREG && s.st_size == 0 ? .vide : .present
    }

    /// A database missing or empty in a workspace that has a history: refused.
    ///
    /// Exit code 65 (an input unreadable as a whole, nothing of it stored), not 1: nothing is
    /// wrong with the program, and the cure is a person restoring a file, not a bug report; not
    /// 75 either, since retrying later would meet the same missing file.
    static func basePerdue(_ url: URL, vide: Bool, trace: URL, espace: EspaceDeTravail) -> ErreurObservatoire {
        let racine = espace.racine.path + "/"
        let signe = trace.path.hasPrefix(racine) ? String(trace.path.dropFirst(racine.count)) : trace.path
        return ErreurObservatoire(.donneesIllisibles,
            "La base de données « \(url.path) » est " + (vide ? "vide (0 octet)" : "absente")
            + ", alors que cet espace de travail a déjà servi (« \(signe) » existe). c360 ne la remplace pas par une base vide :"
            + " les rapports seraient réécrits avec des chiffres vides. Rien n'a été modifié.",
            conseil: "Restaurez « \(url.path) » depuis votre sauvegarde (voir SECURITE.md, « Sauvegardes »), puis relancez la même commande.")
    }

    /// Another program holds a lock on the database (exit code 75: try again later).
    public static func estOccupee(_ e: DatabaseError) -> Bool {
        e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED
    }

    /// The file is damaged or is not a SQLite database (exit code 65: restore it).
    public static func estEndommagee(_ e: DatabaseError) -> Bool {
        e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB
    }

    /// Whether an error comes from the disk or the permissions (exit code 73), not from the program.
    public static func estProblemeDEcriture(_ e: DatabaseError) -> Bool {
        [.SQLITE_FULL, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CANTOPEN].contains(e.resultCode)
    }

    /// Any database error as a French message with its exit code (73 when the disk or the
    /// permissions are at fault), for the errors no stage translated itself (a damaged or busy
    /// database met by a report, for instance). Non-database errors give nil.
    public static func erreurFrancaise(_ error: Error) -> ErreurObservatoire? {
        (error as? DatabaseError).map { erreurFrancaise($0) }
    }

    /// A database error in French. `chemin` names the database file, `pendant` what was being
    /// done ("l'import"), `intacte` says that the transaction was rolled back.
    ///
    ///     Base.erreurFrancaise(e, chemin: base.url.path, pendant: "l'import", intacte: true)
    ///     // « La base de données « …/c360.sqlite » ne peut pas être écrite pendant l'import :
    ///     //   le disque est plein. La base est restée dans son état précédent. »
    public static func erreurFrancaise(_ e: DatabaseError, chemin: String? = nil, pendant: String? = nil,
                                       intacte: Bool = false) -> ErreurObservatoire {
        let base = "La base de données" + (chemin.map { " « \($0) »" } ?? "")
        let action = pendant.map { " pendant \($0)" } ?? ""
        let etat = intacte ? " La base est restée dans son état précédent." : ""
        if estProblemeDEcriture(e) {
            return ErreurObservatoire(.ecritureImpossible, "\(base) ne peut pas être écrite\(action) : \(cause(e)).\(etat)",
                                      conseil: "Libérez de la place ou corrigez les droits d'écriture, puis relancez la même commande.")
        }
        if estOccupee(e) {
            return ErreurObservatoire(.verrouille, "\(base) est occupée\(action) : une autre opération utilise la base ; réessayez plus tard.\(etat)",
                                      conseil: "Un autre programme la verrouille (une sauvegarde, sqlite3, une autre commande) : relancez la même commande une fois qu'il a terminé. Rien n'est perdu.")
        }
        if estEndommagee(e) {
            return ErreurObservatoire(.donneesIllisibles, "\(base) est endommagée\(action) : \(cause(e)).",
                                      conseil: "La base est endommagée : restaurez-la depuis la sauvegarde (voir SECURITE.md, « Sauvegardes »)"
                                        + (chemin.map { ", en remettant le fichier « \($0) »" } ?? "") + ", puis relancez la même commande.")
        }
        return ErreurObservatoire(.erreurInterne, "\(base) a rendu une erreur\(action) : \(cause(e)).\(etat)",
                                  conseil: "Relancez la commande ; si l'erreur persiste, restaurez la base depuis une sauvegarde ou signalez ce message à l'équipe technique.")
    }

    /// A French phrase for the SQLite errors a user can do something about; other errors as
    /// they describe themselves.
    public static func cause(_ error: Error) -> String {
        (error as? DatabaseError).map { cause($0) } ?? "\(error)"
    }

    /// A French phrase for the SQLite errors a user can do something about.
    public static func cause(_ e: DatabaseError) -> String {
        switch e.resultCode {
        case .SQLITE_FULL: return "le disque est plein ou la base a atteint sa taille maximale"
        case .SQLITE_READONLY: return "la base ou son dossier est en lecture seule"
        case .SQLITE_CANTOPEN: return "le fichier ne peut pas être ouvert"
        case .SQLITE_IOERR: return "erreur d'entrée-sortie du disque"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "le fichier est endommagé ou n'est pas une base SQLite"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "la base est occupée par un autre programme"
        default: return e.message ?? "\(e.resultCode)"
        }
    }

    // MARK: - Schema

    /// The schema, one migration per change. Never edit a migration that has shipped: add one.
    ///
    /// Accepted values are checked with `x = 'a' OR x = 'b'` rather than `x IN ('a', 'b')`:
    /// SQLite builds a temporary index for every `IN` list of a CHECK at every insert, which
    /// made up a quarter of the import's time.
    public static var migrations: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-tables-canoniques") { db in
            // Import ledger: one row per file imported.
            try db.execute(sql: """
                CREATE TABLE imports (
                    id INTEGER PRIMARY KEY,
                    execution TEXT NOT NULL,
                    fichier TEXT NOT NULL,
                    table_cible TEXT NOT NULL
                        CHECK (table_cible = 'acteurs' OR table_cible = 'equipe' OR table_cible = 'membres_coeur' OR table_cible = 'sollicitations' OR table_cible = 'propositions'),
                    empreinte TEXT NOT NULL,
                    profil TEXT,
                    lues INTEGER NOT NULL DEFAULT 0,
                    importees INTEGER NOT NULL DEFAULT 0,
                    rejetees INTEGER NOT NULL DEFAULT 0,
                    lignes_vides INTEGER NOT NULL DEFAULT 0,
                    debut TEXT NOT NULL,
                    fin TEXT,
                    CHECK (lues = importees + rejetees)
                );
                CREATE INDEX imports_empreinte ON imports(empreinte);

                -- Rejected rows: where, which column and value, which rule, and the message shown.
                -- The value is never kept for personne_id (it would be the identifier in clear).
                CREATE TABLE rejets (
                    id INTEGER PRIMARY KEY,
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    fichier TEXT NOT NULL,
                    ligne INTEGER NOT NULL,
                    colonne TEXT,
                    valeur TEXT,
                    regle TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE INDEX rejets_import ON rejets(import_id);

                CREATE TABLE acteurs (
                    acteur_id TEXT NOT NULL UNIQUE,
                    nom TEXT NOT NULL,
                    categorie TEXT NOT NULL CHECK (categorie = 'droit_commun' OR categorie = 'specialise'),
                    membre_coeur INTEGER NOT NULL CHECK (membre_coeur = 0 OR membre_coeur = 1),
                    partenaire INTEGER NOT NULL CHECK (partenaire = 0 OR partenaire = 1),
                    date_referencement TEXT NOT NULL,
                    date_sortie TEXT,
                    import_id INTEGER NOT NULL REFERENCES imports(id)
                );

                CREATE TABLE equipe (
                    poste_id TEXT NOT NULL UNIQUE,
                    fonction TEXT NOT NULL CHECK (fonction = 'coordinateur' OR fonction = 'conseiller_parcours' OR fonction = 'autre'),
                    etp REAL NOT NULL CHECK (etp > 0 AND etp <= 1),
                    recherche_solutions INTEGER NOT NULL CHECK (recherche_solutions = 0 OR recherche_solutions = 1),
                    date_debut TEXT NOT NULL,
                    date_fin TEXT,
                    import_id INTEGER NOT NULL REFERENCES imports(id)
                );

                CREATE TABLE membres_coeur (
                    annee INTEGER NOT NULL,
                    membre TEXT NOT NULL,
                    etp REAL NOT NULL CHECK (etp >= 0),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    UNIQUE (annee, membre)
                );

                -- personne: HMAC-SHA256 pseudonym of personne_id (never the identifier itself).
                -- Stored in the order the indicators read it: by territory, then by date
                -- (see Queries/README.md); the identifier is unique on its own.
                CREATE TABLE sollicitations (
                    id_sollicitation TEXT NOT NULL UNIQUE,
                    date_sollicitation TEXT NOT NULL,
                    personne TEXT NOT NULL,
                    profil TEXT NOT NULL CHECK (profil = 'enfant_sh' OR profil = 'adulte_sh' OR profil = 'aidant' OR profil = 'professionnel'),
                    type_demande TEXT NOT NULL CHECK (type_demande = 'information' OR type_demande = 'orientation' OR type_demande = 'recherche_solution'),
                    origine TEXT NOT NULL CHECK (origine = 'demande' OR origine = 'reperage_360'),
                    accompagnee INTEGER NOT NULL CHECK (accompagnee = 0 OR accompagnee = 1),
                    projet_vie_co_construit TEXT CHECK (projet_vie_co_construit = 'personne' OR projet_vie_co_construit = 'aidant' OR projet_vie_co_construit = 'pair_aidant' OR projet_vie_co_construit = 'non'),
                    territoire TEXT NOT NULL,
                    departement TEXT NOT NULL,
                    canal TEXT CHECK (canal = 'numero_vert' OR canal = 'mail' OR canal = 'fiche_saisine' OR canal = 'partenaire' OR canal = 'autre'),
                    niveau_intervention INTEGER CHECK (niveau_intervention = 1 OR niveau_intervention = 2 OR niveau_intervention = 3),
                    orientation_rapt INTEGER CHECK (orientation_rapt = 0 OR orientation_rapt = 1),
                    tranche_age TEXT CHECK (tranche_age = 'moins_16' OR tranche_age = '16_21' OR tranche_age = 'plus_21'),
                    date_cloture TEXT CHECK (date_cloture >= date_sollicitation),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    PRIMARY KEY (territoire, date_sollicitation, id_sollicitation)
                ) WITHOUT ROWID;
                -- The active caseload (x.file_active): accompanied situations not closed at a date.
                CREATE INDEX sollicitations_suivies
                    ON sollicitations(territoire, coalesce(date_cloture, '9999-12-31'), date_sollicitation)
                    WHERE accompagnee = 1;

                CREATE TABLE sollicitation_problematiques (
                    id_sollicitation TEXT NOT NULL REFERENCES sollicitations(id_sollicitation),
                    problematique TEXT NOT NULL,
                    PRIMARY KEY (id_sollicitation, problematique)
                ) WITHOUT ROWID;

                -- A proposition carries the date and territory of its request (the cohort rule:
                -- it belongs to the period of its request), so that the propositions of a
                -- period are read together, in the same order as the requests. The trigger
                -- below keeps them equal when a corrected export moves a request.
                CREATE TABLE propositions (
                    id_proposition TEXT NOT NULL UNIQUE,
                    id_sollicitation TEXT NOT NULL REFERENCES sollicitations(id_sollicitation),
                    territoire TEXT NOT NULL,
                    date_sollicitation TEXT NOT NULL,
                    date_proposition TEXT NOT NULL CHECK (date_proposition >= date_sollicitation),
                    evaluation_preexistante INTEGER NOT NULL CHECK (evaluation_preexistante = 0 OR evaluation_preexistante = 1),
                    ad_hoc_partenaires INTEGER NOT NULL CHECK (ad_hoc_partenaires = 0 OR ad_hoc_partenaires = 1),
                    milieu_ordinaire INTEGER NOT NULL CHECK (milieu_ordinaire = 0 OR milieu_ordinaire = 1),
                    decision TEXT NOT NULL CHECK (decision = 'acceptee' OR decision = 'refusee' OR decision = 'en_attente' OR decision = 'sans_suite'),
                    date_decision TEXT CHECK (date_decision >= date_proposition),
                    acteur_id TEXT REFERENCES acteurs(acteur_id),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    PRIMARY KEY (territoire, date_sollicitation, id_sollicitation, id_proposition)
                ) WITHOUT ROWID;
                CREATE INDEX propositions_sollicitation ON propositions(id_sollicitation);

                CREATE TRIGGER propositions_suivent_leur_sollicitation
                AFTER UPDATE OF date_sollicitation, territoire ON sollicitations
                WHEN old.date_sollicitation IS NOT new.date_sollicitation OR old.territoire IS NOT new.territoire
                BEGIN
                    UPDATE propositions
                    SET date_sollicitation = new.date_sollicitation, territoire = new.territoire
                    WHERE id_sollicitation = new.id_sollicitation;
                END;

                -- Facts about the workspace (fingerprint of the pseudonymisation key…).
                CREATE TABLE meta (
                    cle TEXT PRIMARY KEY,
                    valeur TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v2-sources-instantanes-avertissements") { db in
            // Where each stored row comes from: a profile's source (« profil:suivi/appels »), a
            // canonical snapshot (« instantane:sollicitations ») or a file (« fichier:… »). A
            // snapshot import removes the rows of its source that its export no longer holds.
            try db.execute(sql: """
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    cle TEXT NOT NULL UNIQUE
                );
                ALTER TABLE imports ADD COLUMN source_id INTEGER REFERENCES sources(id);
                ALTER TABLE imports ADD COLUMN instantane INTEGER NOT NULL DEFAULT 0 CHECK (instantane = 0 OR instantane = 1);
                -- Snapshot imports: what changed (NULL for an append-only import).
                ALTER TABLE imports ADD COLUMN ajoutees INTEGER;
                ALTER TABLE imports ADD COLUMN modifiees INTEGER;
                ALTER TABLE imports ADD COLUMN inchangees INTEGER;
                ALTER TABLE imports ADD COLUMN supprimees INTEGER;
                -- Rows of the file skipped by a filter of the profile (a totals row).
                ALTER TABLE imports ADD COLUMN ignorees INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE imports ADD COLUMN avertissements INTEGER NOT NULL DEFAULT 0;
                -- The canonical columns fed by a column of the source (JSON list): what it collects.
                ALTER TABLE imports ADD COLUMN colonnes_collectees TEXT;
                CREATE INDEX imports_source ON imports(source_id, table_cible);

                -- The row's identifier when readable, the source's own column name, where to fix.
                ALTER TABLE rejets ADD COLUMN identifiant TEXT;
                ALTER TABLE rejets ADD COLUMN colonne_source TEXT;
                ALTER TABLE rejets ADD COLUMN correction TEXT NOT NULL DEFAULT 'tableur' CHECK (correction = 'tableur' OR correction = 'profil');
                CREATE INDEX rejets_identifiant ON rejets(identifiant) WHERE identifiant IS NOT NULL;

                -- Stored rows with something missing that is not needed to count them.
                CREATE TABLE avertissements (
                    id INTEGER PRIMARY KEY,
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    fichier TEXT NOT NULL,
                    ligne INTEGER NOT NULL,
                    colonne TEXT,
                    colonne_source TEXT,
                    identifiant TEXT NOT NULL,
                    regle TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE INDEX avertissements_import ON avertissements(import_id);

                ALTER TABLE sollicitations ADD COLUMN source_id INTEGER REFERENCES sources(id);
                ALTER TABLE sollicitations ADD COLUMN empreinte_ligne INTEGER;
                ALTER TABLE propositions ADD COLUMN source_id INTEGER REFERENCES sources(id);
                ALTER TABLE propositions ADD COLUMN empreinte_ligne INTEGER;
                ALTER TABLE acteurs ADD COLUMN source_id INTEGER REFERENCES sources(id);
                ALTER TABLE acteurs ADD COLUMN empreinte_ligne INTEGER;
                ALTER TABLE equipe ADD COLUMN source_id INTEGER REFERENCES sources(id);
                ALTER TABLE equipe ADD COLUMN empreinte_ligne INTEGER;
                ALTER TABLE membres_coeur ADD COLUMN source_id INTEGER REFERENCES sources(id);
                ALTER TABLE membres_coeur ADD COLUMN empreinte_ligne INTEGER;

                -- Rows imported before this version: each file was its own source.
                INSERT OR IGNORE INTO sources (cle) SELECT DISTINCT 'fichier:' || fichier FROM imports;
                UPDATE imports SET source_id = (SELECT id FROM sources WHERE cle = 'fichier:' || imports.fichier);
                UPDATE sollicitations SET source_id = (SELECT source_id FROM imports WHERE imports.id = sollicitations.import_id);
                UPDATE propositions SET source_id = (SELECT source_id FROM imports WHERE imports.id = propositions.import_id);
                UPDATE acteurs SET source_id = (SELECT source_id FROM imports WHERE imports.id = acteurs.import_id);
                UPDATE equipe SET source_id = (SELECT source_id FROM imports WHERE imports.id = equipe.import_id);
                UPDATE membres_coeur SET source_id = (SELECT source_id FROM imports WHERE imports.id = membres_coeur.import_id);
                """)
        }
        m.registerMigration("v3-colonnes-non-collectees") { db in
            // A source may not collect some columns (a tracker without proposal dates): they are
            // left empty (NULL) and the indicators that need them read « non collecté ». SQLite
            // cannot drop a NOT NULL: the two tables are rebuilt (its 12-step procedure), with the
            // same columns, order, keys, index and trigger.
            try db.execute(sql: """
                CREATE TABLE sollicitations_v3 (
                    id_sollicitation TEXT NOT NULL UNIQUE,
                    date_sollicitation TEXT NOT NULL,
                    personne TEXT NOT NULL,
                    profil TEXT CHECK (profil = 'enfant_sh' OR profil = 'adulte_sh' OR profil = 'aidant' OR profil = 'professionnel'),
                    type_demande TEXT CHECK (type_demande = 'information' OR type_demande = 'orientation' OR type_demande = 'recherche_solution'),
                    origine TEXT CHECK (origine = 'demande' OR origine = 'reperage_360'),
                    accompagnee INTEGER CHECK (accompagnee = 0 OR accompagnee = 1),
                    projet_vie_co_construit TEXT CHECK (projet_vie_co_construit = 'personne' OR projet_vie_co_construit = 'aidant' OR projet_vie_co_construit = 'pair_aidant' OR projet_vie_co_construit = 'non'),
                    territoire TEXT NOT NULL,
                    departement TEXT NOT NULL,
                    canal TEXT CHECK (canal = 'numero_vert' OR canal = 'mail' OR canal = 'fiche_saisine' OR canal = 'partenaire' OR canal = 'autre'),
                    niveau_intervention INTEGER CHECK (niveau_intervention = 1 OR niveau_intervention = 2 OR niveau_intervention = 3),
                    orientation_rapt INTEGER CHECK (orientation_rapt = 0 OR orientation_rapt = 1),
                    tranche_age TEXT CHECK (tranche_age = 'moins_16' OR tranche_age = '16_21' OR tranche_age = 'plus_21'),
                    date_cloture TEXT CHECK (date_cloture >= date_sollicitation),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    source_id INTEGER REFERENCES sources(id),
                    empreinte_ligne INTEGER,
                    PRIMARY KEY (territoire, date_sollicitation, id_sollicitation)
                ) WITHOUT ROWID;
                INSERT INTO sollicitations_v3 SELECT * FROM sollicitations;
                DROP TABLE sollicitations;
                ALTER TABLE sollicitations_v3 RENAME TO sollicitations;
                CREATE INDEX sollicitations_suivies
                    ON sollicitations(territoire, coalesce(date_cloture, '9999-12-31'), date_sollicitation)
                    WHERE accompagnee = 1;

                CREATE TABLE propositions_v3 (
                    id_proposition TEXT NOT NULL UNIQUE,
                    id_sollicitation TEXT NOT NULL REFERENCES sollicitations(id_sollicitation),
                    territoire TEXT NOT NULL,
                    date_sollicitation TEXT NOT NULL,
                    date_proposition TEXT CHECK (date_proposition >= date_sollicitation),
                    evaluation_preexistante INTEGER CHECK (evaluation_preexistante = 0 OR evaluation_preexistante = 1),
                    ad_hoc_partenaires INTEGER CHECK (ad_hoc_partenaires = 0 OR ad_hoc_partenaires = 1),
                    milieu_ordinaire INTEGER CHECK (milieu_ordinaire = 0 OR milieu_ordinaire = 1),
                    decision TEXT CHECK (decision = 'acceptee' OR decision = 'refusee' OR decision = 'en_attente' OR decision = 'sans_suite'),
                    date_decision TEXT CHECK (date_decision >= date_proposition),
                    acteur_id TEXT REFERENCES acteurs(acteur_id),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    source_id INTEGER REFERENCES sources(id),
                    empreinte_ligne INTEGER,
                    PRIMARY KEY (territoire, date_sollicitation, id_sollicitation, id_proposition)
                ) WITHOUT ROWID;
                INSERT INTO propositions_v3 SELECT * FROM propositions;
                DROP TABLE propositions;
                ALTER TABLE propositions_v3 RENAME TO propositions;
                CREATE INDEX propositions_sollicitation ON propositions(id_sollicitation);

                CREATE TRIGGER propositions_suivent_leur_sollicitation
                AFTER UPDATE OF date_sollicitation, territoire ON sollicitations
                WHEN old.date_sollicitation IS NOT new.date_sollicitation OR old.territoire IS NOT new.territoire
                BEGIN
                    UPDATE propositions
                    SET date_sollicitation = new.date_sollicitation, territoire = new.territoire
                    WHERE id_sollicitation = new.id_sollicitation;
                END;
                """)
        }
        m.registerMigration("v4-index-des-identifiants") { db in
            // The identifiers of requests and propositions were unique by a column constraint,
            // whose index SQLite cannot drop. They become named unique indexes, which a large
            // import drops and builds once at the end from the loaded table (see
            // `Ecrivain.commencerEnBloc`): inserting a million identifiers in file order into
            // a unique index took most of the import when the rows were not in identifier order.
            // Same columns, order, keys, indexes and trigger otherwise (SQLite's 12-step rebuild).
            try db.execute(sql: """
                CREATE TABLE sollicitations_v4 (
                    id_sollicitation TEXT NOT NULL,
                    date_sollicitation TEXT NOT NULL,
                    personne TEXT NOT NULL,
                    profil TEXT CHECK (profil = 'enfant_sh' OR profil = 'adulte_sh' OR profil = 'aidant' OR profil = 'professionnel'),
                    type_demande TEXT CHECK (type_demande = 'information' OR type_demande = 'orientation' OR type_demande = 'recherche_solution'),
                    origine TEXT CHECK (origine = 'demande' OR origine = 'reperage_360'),
                    accompagnee INTEGER CHECK (accompagnee = 0 OR accompagnee = 1),
                    projet_vie_co_construit TEXT CHECK (projet_vie_co_construit = 'personne' OR projet_vie_co_construit = 'aidant' OR projet_vie_co_construit = 'pair_aidant' OR projet_vie_co_construit = 'non'),
                    territoire TEXT NOT NULL,
                    departement TEXT NOT NULL,
                    canal TEXT CHECK (canal = 'numero_vert' OR canal = 'mail' OR canal = 'fiche_saisine' OR canal = 'partenaire' OR canal = 'autre'),
                    niveau_intervention INTEGER CHECK (niveau_intervention = 1 OR niveau_intervention = 2 OR niveau_intervention = 3),
                    orientation_rapt INTEGER CHECK (orientation_rapt = 0 OR orientation_rapt = 1),
                    tranche_age TEXT CHECK (tranche_age = 'moins_16' OR tranche_age = '16_21' OR tranche_age = 'plus_21'),
                    date_cloture TEXT CHECK (date_cloture >= date_sollicitation),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    source_id INTEGER REFERENCES sources(id),
                    empreinte_ligne INTEGER,
                    PRIMARY KEY (territoire, date_sollicitation, id_sollicitation)
                ) WITHOUT ROWID;
                INSERT INTO sollicitations_v4 SELECT * FROM sollicitations;
                DROP TABLE sollicitations;
                ALTER TABLE sollicitations_v4 RENAME TO sollicitations;
                CREATE UNIQUE INDEX sollicitations_identifiant ON sollicitations(id_sollicitation);
                CREATE INDEX sollicitations_suivies
                    ON sollicitations(territoire, coalesce(date_cloture, '9999-12-31'), date_sollicitation)
                    WHERE accompagnee = 1;

                CREATE TABLE propositions_v4 (
                    id_proposition TEXT NOT NULL,
                    id_sollicitation TEXT NOT NULL REFERENCES sollicitations(id_sollicitation),
                    territoire TEXT NOT NULL,
                    date_sollicitation TEXT NOT NULL,
                    date_proposition TEXT CHECK (date_proposition >= date_sollicitation),
                    evaluation_preexistante INTEGER CHECK (evaluation_preexistante = 0 OR evaluation_preexistante = 1),
                    ad_hoc_partenaires INTEGER CHECK (ad_hoc_partenaires = 0 OR ad_hoc_partenaires = 1),
                    milieu_ordinaire INTEGER CHECK (milieu_ordinaire = 0 OR milieu_ordinaire = 1),
                    decision TEXT CHECK (decision = 'acceptee' OR decision = 'refusee' OR decision = 'en_attente' OR decision = 'sans_suite'),
                    date_decision TEXT CHECK (date_decision >= date_proposition),
                    acteur_id TEXT REFERENCES acteurs(acteur_id),
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    source_id INTEGER REFERENCES sources(id),
                    empreinte_ligne INTEGER,
                    PRIMARY KEY (territoire, date_sollicitation, id_sollicitation, id_proposition)
                ) WITHOUT ROWID;
                INSERT INTO propositions_v4 SELECT * FROM propositions;
                DROP TABLE propositions;
                ALTER TABLE propositions_v4 RENAME TO propositions;
                CREATE UNIQUE INDEX propositions_identifiant ON propositions(id_proposition);
                CREATE INDEX propositions_sollicitation ON propositions(id_sollicitation);

                CREATE TRIGGER propositions_suivent_leur_sollicitation
                AFTER UPDATE OF date_sollicitation, territoire ON sollicitations
                WHEN old.date_sollicitation IS NOT new.date_sollicitation OR old.territoire IS NOT new.territoire
                BEGIN
                    UPDATE propositions
                    SET date_sollicitation = new.date_sollicitation, territoire = new.territoire
                    WHERE id_sollicitation = new.id_sollicitation;
                END;
                """)
        }
        m.registerMigration("v5-registre-des-chiffres-publies") { db in
            // The counts that external documents have printed (see `RegistreDesPublications`
            // in ObservatoireIndicateurs): every later external diffusion takes those still
            // true as known to its readers, so that no combination of documents published at
            // different times recovers a masked count. Aggregates only (counts of 0 or at
            // least the threshold), never a row of the exports.
            try db.execute(sql: """
                CREATE TABLE chiffres_publies (
                    indicateur TEXT NOT NULL,
                    champ TEXT NOT NULL,
                    debut TEXT NOT NULL,
                    fin TEXT NOT NULL CHECK (fin >= debut),
                    territoire TEXT NOT NULL,
                    -- publie: the value shown; petit: « moins de 5 »; secret: « masqué » (valeur 0)
                    etat TEXT NOT NULL CHECK (etat = 'publie' OR etat = 'petit' OR etat = 'secret'),
                    valeur INTEGER NOT NULL CHECK (valeur >= 0),
                    document TEXT NOT NULL,
                    publie_le TEXT NOT NULL,
                    PRIMARY KEY (debut, fin, territoire, indicateur, champ, etat, valeur)
                ) WITHOUT ROWID;
                CREATE INDEX chiffres_publies_fin ON chiffres_publies(fin);
                """)
        }
        return m
    }
}
