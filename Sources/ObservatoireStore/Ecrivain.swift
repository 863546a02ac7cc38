import Foundation
import GRDB
import ObservatoireCore

/// Writes validated rows, the import ledger, the rejects and the warnings, inside the caller's
/// transaction.
///
/// Every row carries the id of the ledger entry (the file and table) that last wrote it, its
/// source, and a fingerprint of its values. A row is *upserted*: a corrected export of the same
/// identifiers updates those rows; but a second row with the same identifier **in the same
/// file** is not written (``Operation/doublon``) and becomes a `doublon` reject.
///
/// A **snapshot** import (the export is the whole current state of its source) also tells an
/// added row from a changed or an unchanged one, and ``supprimerAbsentes(_:source:importId:)``
/// then removes the rows of the source that the export no longer holds.
///
/// ```swift
/// try base.file.write { db in
///     let e = Ecrivain(db)
///     let source = try e.source(cle: "fichier:acteurs.csv")
///     let id = try e.ouvrirImport(execution: "…", fichier: "acteurs.csv", table: .acteurs, profil: nil,
///                                 source: source, instantane: false)
///     _ = try e.enregistrer(.acteur(a), importId: id, source: source, instantane: false)
///     try e.fermerImport(id, Ecrivain.Compteurs(lues: 1, importees: 1))
/// }
/// ```
public final class Ecrivain {
    private let db: Database
    private var instructions: [String: Statement] = [:]
    private var rapides: [Requete: InstructionPreparee] = [:]
    /// Whether each table was empty when the current file started: its rows are then all new
    /// (no lookup, no old problem types to clear — the first load of a large history).
    private var videAuDebut: [TableCanonique: Bool] = [:]
    private var sourcesInstantanees: [Int64: Bool] = [:]
    /// The bulk load under way, if any (see ``commencerEnBloc(_:)``).
    private var bloc: ChargementEnBloc?

    /// What storing one row did.
    public enum Operation: Sendable, Equatable {
        /// A new identifier.
        case ajoutee
        /// An identifier already stored, with other values (snapshot imports).
        case modifiee
        /// An identifier already stored with the same values (snapshot imports): only marked
        /// as present in the new export.
        case inchangee
        /// Inserted or updated (append-only imports do not tell which).
        case ecrite
        /// The same identifier was already written by this same file: nothing written.
        case doublon
        /// Bulk loading only: the identifier may have been written already by this file (its
        /// fingerprint was seen, the row is no longer in memory to compare). Nothing written:
        /// the caller stores the row again after ``terminerEnBloc()``, when the identifiers
        /// are indexed and the ordinary path tells a duplicate for sure.
        case differee
        /// Snapshot imports: the identifier is stored already, from another source (another
        /// workbook whose numbers are the same: one that starts again at 1 each year). Nothing
        /// written: each snapshot source owns its rows, and would delete the other's.
        case autreSource
        /// Append-only imports: the identifier is stored already, from another file, for
        /// another request — another person, and another date or territory (two exports that
        /// both number from 1: two antennas, two tools). Nothing written: replacing it would
        /// lose the stored one without a word. A proposition: the identifier is stored for a
        /// proposition of another person's request. `fichier`: the file that stored it.
        case autreDemande(fichier: String?)
    }

    /// The statements of the hot path, by name (looking them up by their SQL text meant
    /// hashing a long string for every row).
    private enum Requete: Hashable {
        case sollicitationConnue, acteurConnu, propositionAnterieure
        case ecrire(TableCanonique), ajouter(TableCanonique, lignes: Int), chercher(TableCanonique), marquer(TableCanonique)
        case effacerProblematiques, ajouterProblematique, ajouterEnAttente(lignes: Int)
    }

    public init(_ db: Database) {
        self.db = db
    }

    /// A statement of the hot path (one per row), bound through the C API.
    private func rapide(_ cle: Requete, _ sql: @autoclosure () -> String) throws -> InstructionPreparee {
        if let s = rapides[cle] { return s }
        let s = try InstructionPreparee(db, sql: sql())
        rapides[cle] = s
        return s
    }

    private func instruction(_ sql: String) throws -> Statement {
        if let s = instructions[sql] { return s }
        let s = try db.makeStatement(sql: sql)
        instructions[sql] = s
        return s
    }

    // MARK: - Ledger

    /// Whether a file with this content was already imported into this table with this profile
    /// (the same bytes given to another table or read with another profile are a new import).
    public func dejaImporte(empreinte: String, table: TableCanonique, profil: String?) throws -> Bool {
        try Bool.fetchOne(try instruction("""
            SELECT EXISTS (SELECT 1 FROM imports WHERE empreinte = ? AND table_cible = ? AND coalesce(profil, '') = ? AND fin IS NOT NULL)
            """), arguments: [empreinte, table.rawValue, profil ?? ""]) ?? false
    }

    /// Whether rows of `source` were stored by snapshot imports (a source that owns its rows).
    /// For an append-only import: when the row's identifier is stored already, from another
    /// source, for what is plainly another request (see ``Operation/autreDemande(fichier:)``),
    /// the name of the file that stored it (nil inside when unknown); nil otherwise (a new
    /// identifier, or the same request updated: its date, territory or person corrected alone).
    private func autreDemande(_ e: Enregistrement, source: Int64, demandeEnConflit: Bool) throws -> String?? {
        let ligne: Row?
        switch e {
        case .sollicitation(let s):
            // Another person, and another date or territory: a correction in the tool moves
            // one of them. (A looser rule — a date more than a month away — let another
            // antenna's requests of the same month overwrite the first's without a word: the
            // second regression review's N1. A request corrected for both its person and its
            // date is refused, with why: visible, never lost.)
            ligne = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT s.source_id, c.cle FROM sollicitations s LEFT JOIN sources c ON c.id = s.source_id
                WHERE s.id_sollicitation = ? AND s.source_id IS NOT ? AND s.personne <> ?
                  AND (s.date_sollicitation <> ? OR s.territoire <> ?)
                """), arguments: [s.idSollicitation, source, s.personne, s.dateSollicitation.iso, s.territoire])
        case .proposition(let p):
            // A proposition moved to another request of the same person is a merge of duplicate
            // requests in the tool: it follows. Moved to another person's request, it is
            // another export's number (a new year's propositions starting again at 1).
            ligne = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT p.source_id, c.cle FROM propositions p LEFT JOIN sources c ON c.id = p.source_id
                WHERE p.id_proposition = ? AND p.source_id IS NOT ?
                  AND (? OR (p.id_sollicitation <> ?
                             AND (SELECT personne FROM sollicitations WHERE id_sollicitation = p.id_sollicitation)
                                 IS NOT (SELECT personne FROM sollicitations WHERE id_sollicitation = ?)))
                """), arguments: [p.idProposition, source, demandeEnConflit, p.idSollicitation, p.idSollicitation])
        default:
            return nil
        }
        guard let ligne else { return nil }
        let cle: String = ligne[1] ?? ""
        return .some(cle.hasPrefix("fichier:") ? String(cle.dropFirst("fichier:".count)) : nil)
    }

    private func sourceEstInstantanee(_ source: Int64) throws -> Bool {
        if let connu = sourcesInstantanees[source] { return connu }
        let v = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM imports WHERE source_id = ? AND instantane = 1)", arguments: [source]) ?? false
        sourcesInstantanees[source] = v
        return v
    }

    /// The most rows an earlier import of the same content stored (``dejaImporte``), or nil.
    public func importeesAvant(empreinte: String, table: TableCanonique, profil: String?) throws -> Int? {
        try Int.fetchOne(try instruction("""
            SELECT max(importees) FROM imports WHERE empreinte = ? AND table_cible = ? AND coalesce(profil, '') = ? AND fin IS NOT NULL
            """), arguments: [empreinte, table.rawValue, profil ?? ""])
    }

    /// The id of a source (created on first use).
    public func source(cle: String) throws -> Int64 {
        try instruction("INSERT OR IGNORE INTO sources (cle) VALUES (?)").execute(arguments: [cle])
        guard let id = try Int64.fetchOne(try instruction("SELECT id FROM sources WHERE cle = ?"), arguments: [cle]) else {
            throw ErreurObservatoire.interne("Source « \(cle) » introuvable après sa création.")
        }
        return id
    }

    public func ouvrirImport(execution: String, fichier: String, table: TableCanonique, profil: String?,
                             source: Int64, instantane: Bool) throws -> Int64 {
        videAuDebut[table] = nil
        try instruction("""
            INSERT INTO imports (execution, fichier, table_cible, empreinte, profil, debut, source_id, instantane)
            VALUES (?, ?, ?, '', ?, ?, ?, ?)
            """).execute(arguments: [execution, fichier, table.rawValue, profil, Horodatage.iso(), source, instantane])
        return db.lastInsertedRowID
    }

    /// The counts of one import (one file into one table).
    public struct Compteurs: Sendable, Equatable {
        public var lues = 0
        public var importees = 0
        public var rejetees = 0
        public var vides = 0
        public var ignorees = 0
        public var avertissements = 0
        /// Snapshot imports only.
        public var ajoutees: Int?
        public var modifiees: Int?
        public var inchangees: Int?
        public var supprimees: Int?

        public init(lues: Int = 0, importees: Int = 0, rejetees: Int = 0) {
            self.lues = lues
            self.importees = importees
            self.rejetees = rejetees
        }
    }

    public func fermerImport(_ id: Int64, empreinte: String, _ c: Compteurs, collectees: [String]) throws {
        let json = JSON.tableau(collectees.map { .texte($0) }).texteCompact
        try instruction("""
            UPDATE imports SET empreinte = ?, lues = ?, importees = ?, rejetees = ?, lignes_vides = ?, ignorees = ?, avertissements = ?,
                ajoutees = ?, modifiees = ?, inchangees = ?, supprimees = ?, colonnes_collectees = ?, fin = ?
            WHERE id = ?
            """).execute(arguments: [empreinte, c.lues, c.importees, c.rejetees, c.vides, c.ignorees, c.avertissements,
                                     c.ajoutees, c.modifiees, c.inchangees, c.supprimees, json, Horodatage.iso(), id])
    }

    public func rejeter(_ r: Rejet, importId: Int64, fichier: String) throws {
        try instruction("""
            INSERT INTO rejets (import_id, fichier, ligne, colonne, valeur, regle, message, identifiant, colonne_source, correction)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [importId, fichier, r.ligne, r.colonne, r.valeur, r.regle.rawValue, r.messageBorne,
                                     r.identifiant.map { String($0.prefix(200)) }, r.colonneSource.map { String($0.prefix(300)) },
                                     r.correction.rawValue])
    }

    public func avertir(_ a: Avertissement, importId: Int64, fichier: String, identifiant: String) throws {
        try instruction("""
            INSERT INTO avertissements (import_id, fichier, ligne, colonne, colonne_source, identifiant, regle, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [importId, fichier, a.ligne, a.colonne, a.colonneSource, identifiant, a.regle.rawValue, a.message])
    }

    // MARK: - Lookups for reference rules

    /// What a proposition needs of its stored request: its date and territory.
    public struct SollicitationConnue: Sendable {
        public var date: Jour
        public var territoire: String
    }

    /// The date and territory of a stored request, or nil when it does not exist.
    public func sollicitation(_ id: String) throws -> SollicitationConnue? {
        let i = try rapide(.sollicitationConnue, "SELECT date_sollicitation, territoire FROM sollicitations WHERE id_sollicitation = ?")
        i.texte(id)
        guard let (iso, territoire) = try i.premierTexte(), let date = Jour(iso: iso) else { return nil }
        return SollicitationConnue(date: date, territoire: territoire)
    }

    /// The earliest stored proposition of request `id` dated before `date`, if any: what stops
    /// the request from moving to `date` (a proposition never comes before its request).
    public func propositionAnterieure(a id: String, date: Jour) throws -> (id: String, date: Jour)? {
        let i = try rapide(.propositionAnterieure, """
            SELECT id_proposition, date_proposition FROM propositions
            WHERE id_sollicitation = ? AND date_proposition < ? ORDER BY date_proposition LIMIT 1
            """)
        i.texte(id); i.texte(date.iso)
        guard let (p, iso) = try i.premierTexte(), let d = Jour(iso: iso) else { return nil }
        return (p, d)
    }

    public func acteurExiste(_ id: String) throws -> Bool {
        let i = try rapide(.acteurConnu, "SELECT 1 FROM acteurs WHERE acteur_id = ?")
        i.texte(id)
        return try i.premierTexte() != nil
    }

    // MARK: - Rows

    /// The SQL condition that finds a row of `table` by its identifier (bound in order).
    private static func condition(_ table: TableCanonique) -> String {
        table.identifiant.map { "\($0) = ?" }.joined(separator: " AND ")
    }

    private func lierIdentifiant(_ i: InstructionPreparee, _ e: Enregistrement) {
        if case .membreCoeur(let m) = e {
            i.entier(m.annee); i.texte(m.membre)
        } else {
            i.texte(e.identifiant)
        }
    }

    private func estVide(_ table: TableCanonique) throws -> Bool {
        if let v = videAuDebut[table] { return v }
        let v = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(table.rawValue))") ?? false
        videAuDebut[table] = v
        return v
    }

    /// Stores a validated row, from `source`, for the import `importId`. A proposition needs
    /// its request (`sollicitation`), whose date and territory it carries. With `instantane`,
    /// an identifier already stored is compared with the new values first (see ``Operation``).
    ///
    /// `empreinte` is the row's ``Enregistrement/empreinte`` when the caller computed it
    /// already (the import computes it on its reader thread).
    ///
    /// `demandeEnConflit`: a proposition whose request number was refused in this run as
    /// another request's: it must not replace a proposition stored by another file either.
    public func enregistrer(_ e: Enregistrement, empreinte: Int64? = nil, importId: Int64, source: Int64, instantane: Bool,
                            sollicitation: SollicitationConnue? = nil, demandeEnConflit: Bool = false) throws -> Operation {
        let table = e.table
        let empreinte = empreinte ?? e.empreinte
        if let bloc, bloc.table == table {
            return try ajouterEnBloc(e, empreinte: empreinte, bloc: bloc, importId: importId, source: source, instantane: instantane,
                                     sollicitation: sollicitation)
        }
        let vide = try estVide(table)
        var operation = Operation.ecrite
        if instantane {
            if vide {
                operation = .ajoutee
            } else {
                // The common case of a monthly re-export: the row is there, unchanged, from the
                // same source — one statement marks it as present in the new export.
                let marquer = try rapide(.marquer(table), """
                    UPDATE \(table.rawValue) SET import_id = ?
                    WHERE \(Ecrivain.condition(table)) AND empreinte_ligne = ? AND source_id = ? AND import_id <> ?
                    """)
                marquer.entier(Int(importId))
                lierIdentifiant(marquer, e)
                marquer.entier(Int(empreinte)); marquer.entier(Int(source)); marquer.entier(Int(importId))
                if try marquer.executer() > 0 { return .inchangee }
                let chercher = try rapide(.chercher(table), "SELECT import_id, source_id FROM \(table.rawValue) WHERE \(Ecrivain.condition(table))")
                lierIdentifiant(chercher, e)
                if let ligne = try chercher.premiersEntiers() {
                    if ligne[0] == importId { return .doublon }
                    if let autre = ligne[1], autre != source, try sourceEstInstantanee(autre) { return .autreSource }
                    operation = .modifiee
                } else {
                    operation = .ajoutee
                }
            }
        }
        if !instantane && !vide, let fichier = try autreDemande(e, source: source, demandeEnConflit: demandeEnConflit) {
            return .autreDemande(fichier: fichier)
        }
        guard try ecrire(e, importId: importId, source: source, empreinte: empreinte, sollicitation: sollicitation) else { return .doublon }
        if case .sollicitation(let s) = e {
            if !vide {
                let effacer = try rapide(.effacerProblematiques, "DELETE FROM sollicitation_problematiques WHERE id_sollicitation = ?")
                effacer.texte(s.idSollicitation)
                try effacer.executer()
            }
            let ajouter = try rapide(.ajouterProblematique, "INSERT OR IGNORE INTO sollicitation_problematiques (id_sollicitation, problematique) VALUES (?, ?)")
            for p in s.problematiques {
                ajouter.texte(s.idSollicitation); ajouter.texte(p)
                try ajouter.executer()
            }
        }
        return operation
    }

    /// The upsert itself; false when this import already wrote the identifier (a duplicate).
    private func ecrire(_ e: Enregistrement, importId: Int64, source: Int64, empreinte: Int64,
                        sollicitation: SollicitationConnue?) throws -> Bool {
        let table = e.table
        let colonnes = Ecrivain.colonnesStockees[table]!
        let cle = table.identifiant.joined(separator: ", ")
        let i = try rapide(.ecrire(table), """
            INSERT INTO \(table.rawValue) (\(colonnes.joined(separator: ", ")), source_id, empreinte_ligne, import_id)
            VALUES (\(Array(repeating: "?", count: colonnes.count + 3).joined(separator: ", ")))
            ON CONFLICT (\(cle)) DO UPDATE SET \(colonnes.filter { !table.identifiant.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
                source_id = excluded.source_id, empreinte_ligne = excluded.empreinte_ligne, import_id = excluded.import_id
            WHERE \(table.rawValue).import_id <> excluded.import_id
            """)
        try lier(e, a: i, importId: importId, source: source, empreinte: empreinte, sollicitation: sollicitation)
        return try i.executer() > 0
    }

    /// Binds the stored columns of a row, in the order of ``colonnesStockees``, then its source,
    /// fingerprint and import.
    private func lier(_ e: Enregistrement, a i: InstructionPreparee, importId: Int64, source: Int64, empreinte: Int64,
                      sollicitation: SollicitationConnue?) throws {
        switch e {
        case .acteur(let a):
            i.texte(a.acteurId); i.texte(a.nom); i.texte(a.categorie.rawValue); i.booleen(a.membreCoeur); i.booleen(a.partenaire)
            i.texte(a.dateReferencement.iso); i.texte(a.dateSortie?.iso)
        case .poste(let p):
            i.texte(p.posteId); i.texte(p.fonction.rawValue); i.reel(p.etp); i.booleen(p.rechercheSolutions)
            i.texte(p.dateDebut.iso); i.texte(p.dateFin?.iso)
        case .membreCoeur(let m):
            i.entier(m.annee); i.texte(m.membre); i.reel(m.etp)
        case .sollicitation(let s):
            i.texte(s.idSollicitation); i.texte(s.dateSollicitation.iso); i.texte(s.personne); i.texte(s.profil?.rawValue)
            i.texte(s.typeDemande?.rawValue); i.texte(s.origine?.rawValue); i.booleen(s.accompagnee)
            i.texte(s.projetVieCoConstruit?.rawValue); i.texte(s.territoire); i.texte(s.departement); i.texte(s.canal?.rawValue)
            i.entier(s.niveauIntervention); i.booleen(s.orientationRapt); i.texte(s.trancheAge?.rawValue); i.texte(s.dateCloture?.iso)
        case .proposition(let p):
            guard let sollicitation else {
                throw ErreurObservatoire.interne("Proposition « \(Masque.extrait(p.idProposition)) » enregistrée sans sa sollicitation.")
            }
            i.texte(p.idProposition); i.texte(p.idSollicitation); i.texte(sollicitation.territoire); i.texte(sollicitation.date.iso)
            i.texte(p.dateProposition?.iso); i.booleen(p.evaluationPreexistante); i.booleen(p.adHocPartenaires)
            i.booleen(p.milieuOrdinaire); i.texte(p.decision?.rawValue); i.texte(p.dateDecision?.iso); i.texte(p.acteurId)
        }
        i.entier(Int(source)); i.entier(Int(empreinte)); i.entier(Int(importId))
    }

    /// The stored columns of each table, in the order ``ecrire`` binds them.
    private static let colonnesStockees: [TableCanonique: [String]] = [
        .acteurs: ["acteur_id", "nom", "categorie", "membre_coeur", "partenaire", "date_referencement", "date_sortie"],
        .equipe: ["poste_id", "fonction", "etp", "recherche_solutions", "date_debut", "date_fin"],
        .membresCoeur: ["annee", "membre", "etp"],
        .sollicitations: ["id_sollicitation", "date_sollicitation", "personne", "profil", "type_demande", "origine", "accompagnee",
                          "projet_vie_co_construit", "territoire", "departement", "canal", "niveau_intervention",
                          "orientation_rapt", "tranche_age", "date_cloture"],
        .propositions: ["id_proposition", "id_sollicitation", "territoire", "date_sollicitation", "date_proposition",
                        "evaluation_preexistante", "ad_hoc_partenaires", "milieu_ordinaire", "decision", "date_decision", "acteur_id"],
    ]

    // MARK: - Bulk loading

    /// Starts a bulk load of `table` (requests or propositions) for the file about to be read,
    /// when the table is empty at that point (the first load of a history, or of a snapshot).
    /// The table's secondary indexes (identifiers, follow-up, request of a proposition) are
    /// dropped; rows are appended, in file order, to a staging table of the connection's
    /// temporary database; ``terminerEnBloc()`` copies it into the table sorted by the table's
    /// key (SQLite's external merge sort, on two threads, in temporary files), then builds the
    /// indexes again, each in one sorted pass. Everything happens inside the caller's
    /// transaction: a crash or an error leaves the database as it was.
    ///
    /// Why: inserted in file order, rows land at random places of the clustered table and of
    /// the unique identifier index; once the table outgrows the page cache every insertion
    /// reads and writes a page. Measured on a shuffled national decade (BENCHMARKS.md), the
    /// import took 39 s in file order, 20 s with sorted batches of 16 384 rows, and the staging
    /// table makes the load independent of the order of the rows.
    ///
    /// Duplicates of an identifier within the file are still found: every identifier goes
    /// through a Bloom filter of its hash (Swift's `Hasher`, seeded at random by each process,
    /// so collisions cannot be crafted); an identifier perhaps seen before is answered
    /// ``Operation/differee`` and the caller stores the row after ``terminerEnBloc()``, where
    /// the identifier index tells a duplicate for sure.
    ///
    /// Returns false (nothing changes) when the table holds rows, or for another table: the
    /// ordinary path, which updates rows already stored, applies.
    ///
    /// ```swift
    /// let enBloc = try ecrivain.commencerEnBloc(.sollicitations)
    /// // … ecrivain.enregistrer(…) for each row; rows answered .differee are kept aside …
    /// try ecrivain.terminerEnBloc()
    /// // … ecrivain.enregistrer(…) again for the rows kept aside
    /// ```
    public func commencerEnBloc(_ table: TableCanonique) throws -> Bool {
        guard bloc == nil, table == .sollicitations || table == .propositions, try estVide(table) else { return false }
        let index = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name
            """, arguments: [table.rawValue]).map { (nom: $0["name"] as String, sql: $0["sql"] as String) }
        let cle = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", arguments: [table.rawValue])
        for i in index { try db.execute(sql: "DROP INDEX \(i.nom.quotedDatabaseIdentifier)") }
        let attente = ChargementEnBloc.attente(table)
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.\(attente);
            CREATE TEMP TABLE \(attente) AS SELECT * FROM main.\(table.rawValue) WHERE 0;
            """)
        if table == .sollicitations {
            try db.execute(sql: """
                DROP TABLE IF EXISTS temp.\(ChargementEnBloc.attenteProblematiques);
                CREATE TEMP TABLE \(ChargementEnBloc.attenteProblematiques) AS SELECT * FROM main.sollicitation_problematiques WHERE 0;
                """)
        }
        bloc = ChargementEnBloc(table: table, index: index, cle: cle)
        return true
    }

    /// Whether a bulk load is under way.
    public var enBloc: Bool { bloc != nil }

    /// Copies the staging table into the table, sorted by its key, and builds the dropped
    /// indexes again. Does nothing when no bulk load is under way.
    public func terminerEnBloc() throws {
        guard let bloc else { return }
        try inserer(bloc)
        self.bloc = nil
        defer { restaurer() }
        let table = bloc.table.rawValue
        // Two sorting threads: the file has been read, the readers' core is free.
        try db.execute(sql: "PRAGMA threads = 2")
        try db.execute(sql: """
            INSERT INTO main.\(table) SELECT * FROM temp.\(ChargementEnBloc.attente(bloc.table)) ORDER BY \(bloc.cle.joined(separator: ", "))
            """)
        if bloc.table == .sollicitations {
            try db.execute(sql: """
                INSERT OR IGNORE INTO main.sollicitation_problematiques
                    SELECT * FROM temp.\(ChargementEnBloc.attenteProblematiques) ORDER BY id_sollicitation, problematique
                """)
        }
        for i in bloc.index { try db.execute(sql: i.sql) }
    }

    /// Forgets a bulk load after an error: the caller rolls its transaction or savepoint back,
    /// which restores the dropped indexes and removes the staging tables.
    public func abandonnerEnBloc() {
        if bloc != nil { restaurer() }
        bloc = nil
    }

    /// The connection's settings as they were before the bulk load (whether it ended or failed).
    private func restaurer() {
        try? db.execute(sql: "PRAGMA threads = 0")
    }

    private func ajouterEnBloc(_ e: Enregistrement, empreinte: Int64, bloc: ChargementEnBloc, importId: Int64, source: Int64, instantane: Bool,
                               sollicitation: SollicitationConnue?) throws -> Operation {
        switch bloc.noter(e.identifiant) {
        case .nouveau: break
        case .doublon: return .doublon
        case .incertain: return .differee
        }
        guard bloc.ajouter(e, empreinte: empreinte, sollicitation: sollicitation, importId: importId, source: source) else {
            throw ErreurObservatoire.interne("Proposition « \(Masque.extrait(e.identifiant)) » enregistrée sans sa sollicitation.")
        }
        if bloc.tampon.count >= ChargementEnBloc.lignesParInstruction { try inserer(bloc) }
        return instantane ? .ajoutee : .ecrite
    }

    /// Appends the waiting rows to the staging table, and their problem types to theirs,
    /// several rows per statement (one statement per row cost as much again as the insertion;
    /// for the 1.3 million problem types of a decade, 0.3 s).
    private func inserer(_ bloc: ChargementEnBloc) throws {
        guard !bloc.tampon.isEmpty else { return }
        let table = bloc.table
        let i = try ajoutEnAttente(.ajouter(table, lignes: bloc.tampon.count), dans: ChargementEnBloc.attente(table),
                                   colonnes: Ecrivain.colonnesStockees[table]! + ["source_id", "empreinte_ligne", "import_id"],
                                   lignes: bloc.tampon.count)
        for l in bloc.tampon {
            try lier(l.enregistrement, a: i, importId: l.importId, source: l.source, empreinte: l.empreinte,
                     sollicitation: l.sollicitation)
        }
        try i.executer()
        let problematiques = bloc.problematiques()
        var k = 0
        while k < problematiques.count {
            let n = min(ChargementEnBloc.lignesParInstruction, problematiques.count - k)
            let ajouter = try ajoutEnAttente(.ajouterEnAttente(lignes: n), dans: ChargementEnBloc.attenteProblematiques,
                                             colonnes: ["id_sollicitation", "problematique"], lignes: n)
            for (id, p) in problematiques[k..<(k + n)] { ajouter.texte(id); ajouter.texte(p) }
            try ajouter.executer()
            k += n
        }
        bloc.vider()
    }

    /// `INSERT INTO temp.<attente> (colonnes) VALUES (?, …), …` for `n` rows, prepared once per
    /// size (at most ``ChargementEnBloc/lignesParInstruction``); the text is built only then.
    private func ajoutEnAttente(_ cle: Requete, dans attente: String, colonnes: @autoclosure () -> [String],
                                lignes n: Int) throws -> InstructionPreparee {
        try rapide(cle, {
            let c = colonnes()
            let ligne = "(" + Array(repeating: "?", count: c.count).joined(separator: ", ") + ")"
            return "INSERT INTO temp.\(attente) (\(c.joined(separator: ", "))) VALUES \(Array(repeating: ligne, count: n).joined(separator: ", "))"
        }())
    }

    // MARK: - Snapshots

    /// A row of a snapshot export that is rejected keeps its previous stored version (a typo
    /// in this month's export does not remove a request from the counts): it is marked as
    /// present. Returns whether such a version exists.
    @discardableResult
    public func conserver(_ table: TableCanonique, identifiant: String, importId: Int64, source: Int64) throws -> Bool {
        // Nothing older to keep in a table that was empty when the file started (and no
        // identifier index to find it by during a bulk load).
        guard table != .membresCoeur, videAuDebut[table] != true else { return false }
        try db.execute(sql: "UPDATE \(table.rawValue) SET import_id = ? WHERE \(table.identifiant[0]) = ? AND source_id = ? AND import_id <> ?",
                       arguments: [importId, identifiant, source, importId])
        return db.changesCount > 0
    }

    /// The rows of `source` in `table` that the import `importId` did not give again: what
    /// ``supprimerAbsentes(_:source:importId:)`` would remove.
    public func compterAbsentes(_ table: TableCanonique, source: Int64, importId: Int64) throws -> Int {
        guard videAuDebut[table] != true else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.rawValue) WHERE source_id = ? AND import_id <> ?",
                                arguments: [source, importId]) ?? 0
    }

    /// Gives the requests and propositions of `source` whose identifier is not a pseudonym (32
    /// lower-case hexadecimal digits) the pseudonym of that identifier: identifiers a profile
    /// joins from a tracker's columns were stored in clear by earlier versions. The propositions
    /// follow their request. A row whose pseudonym is already stored (imported since under it)
    /// is the older copy of that row: it is removed. Returns the identifiers changed.
    public func pseudonymiserIdentifiantsEnClair(source: Int64, demandes: Bool, propositions: Bool,
                                                 _ pseudonyme: (String) -> String) throws -> Int {
        let enClair = "NOT (length(%@) = 32 AND %@ NOT GLOB '*[^0-9a-f]*')"
        func clair(_ c: String) -> String { enClair.replacingOccurrences(of: "%@", with: c) }
        var n = 0
        let idsDemandes = demandes ? try String.fetchAll(db, sql: "SELECT id_sollicitation FROM sollicitations WHERE source_id = ? AND \(clair("id_sollicitation"))",
                                                         arguments: [source]) : []
        for id in idsDemandes {
            let p = pseudonyme(id)
            try db.execute(sql: "UPDATE OR IGNORE sollicitations SET id_sollicitation = ? WHERE id_sollicitation = ?", arguments: [p, id])
            try db.execute(sql: "DELETE FROM sollicitations WHERE id_sollicitation = ?", arguments: [id])
            try db.execute(sql: "UPDATE OR IGNORE sollicitation_problematiques SET id_sollicitation = ? WHERE id_sollicitation = ?", arguments: [p, id])
            try db.execute(sql: "DELETE FROM sollicitation_problematiques WHERE id_sollicitation = ?", arguments: [id])
            try db.execute(sql: "UPDATE propositions SET id_sollicitation = ? WHERE id_sollicitation = ?", arguments: [p, id])
            n += 1
        }
        let idsPropositions = propositions ? try String.fetchAll(db, sql: "SELECT id_proposition FROM propositions WHERE source_id = ? AND \(clair("id_proposition"))",
                                                                 arguments: [source]) : []
        for id in idsPropositions {
            try db.execute(sql: "UPDATE OR IGNORE propositions SET id_proposition = ? WHERE id_proposition = ?", arguments: [pseudonyme(id), id])
            try db.execute(sql: "DELETE FROM propositions WHERE id_proposition = ?", arguments: [id])
            n += 1
        }
        return n
    }

    /// What removing the rows absent from a snapshot did.
    public struct Suppression: Sendable, Equatable {
        /// Rows of the table removed.
        public var lignes = 0
        /// Propositions of other sources removed with their request.
        public var propositionsLiees = 0
        /// Propositions whose actor left the directory (their actor is cleared).
        public var acteursDetaches = 0
    }

    /// Removes the rows of `source` in `table` that the import `importId` did not write or
    /// mark: the rows its export no longer holds. A request takes its problem types and its
    /// propositions with it; an actor's propositions keep no actor.
    public func supprimerAbsentes(_ table: TableCanonique, source: Int64, importId: Int64) throws -> Suppression {
        var s = Suppression()
        // A table empty when the file started holds only rows of this import: none is absent
        // (and scanning a freshly loaded history would fill the page cache for nothing).
        guard videAuDebut[table] != true else { return s }
        let absentes = "source_id = ? AND import_id <> ?"
        switch table {
        case .sollicitations:
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS c360_absentes (id TEXT PRIMARY KEY) WITHOUT ROWID;
                DELETE FROM temp.c360_absentes;
                """)
            try db.execute(sql: "INSERT INTO temp.c360_absentes SELECT id_sollicitation FROM sollicitations WHERE \(absentes)",
                           arguments: [source, importId])
            try db.execute(sql: "DELETE FROM sollicitation_problematiques WHERE id_sollicitation IN (SELECT id FROM temp.c360_absentes)")
            try db.execute(sql: "DELETE FROM propositions WHERE id_sollicitation IN (SELECT id FROM temp.c360_absentes)")
            s.propositionsLiees = db.changesCount
            try db.execute(sql: "DELETE FROM sollicitations WHERE id_sollicitation IN (SELECT id FROM temp.c360_absentes)")
            s.lignes = db.changesCount
            try db.execute(sql: "DELETE FROM temp.c360_absentes")
        case .acteurs:
            try db.execute(sql: "UPDATE propositions SET acteur_id = NULL WHERE acteur_id IN (SELECT acteur_id FROM acteurs WHERE \(absentes))",
                           arguments: [source, importId])
            s.acteursDetaches = db.changesCount
            try db.execute(sql: "DELETE FROM acteurs WHERE \(absentes)", arguments: [source, importId])
            s.lignes = db.changesCount
        default:
            try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE \(absentes)", arguments: [source, importId])
            s.lignes = db.changesCount
        }
        return s
    }

    // MARK: - Workspace facts

    public func meta(_ cle: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT valeur FROM meta WHERE cle = ?", arguments: [cle])
    }

    public func definirMeta(_ cle: String, _ valeur: String) throws {
        try db.execute(sql: "INSERT INTO meta (cle, valeur) VALUES (?, ?) ON CONFLICT (cle) DO UPDATE SET valeur = excluded.valeur",
                       arguments: [cle, valeur])
    }

    /// The territories of the stored requests, the most frequent first.
    public func territoiresStockes() throws -> [(String, Int)] {
        try Row.fetchAll(db, sql: "SELECT territoire, count(*) FROM sollicitations GROUP BY territoire ORDER BY count(*) DESC, territoire")
            .map { ($0[0], $0[1]) }
    }

    /// Stores the requests of territory `ancien` under `nouveau` (their propositions follow,
    /// by the schema's trigger).
    public func renommerTerritoire(_ ancien: String, en nouveau: String) throws {
        try db.execute(sql: "UPDATE sollicitations SET territoire = ? WHERE territoire = ?", arguments: [nouveau, ancien])
    }

    /// The value of `cle`, removed from the base (in the caller's transaction).
    public func prendreMeta(_ cle: String) throws -> String? {
        try String.fetchOne(db, sql: "DELETE FROM meta WHERE cle = ? RETURNING valeur", arguments: [cle])
    }

    /// Whether any person pseudonym is stored (then the key must never change).
    public func contientDesPersonnes() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sollicitations)") ?? false
    }
}
