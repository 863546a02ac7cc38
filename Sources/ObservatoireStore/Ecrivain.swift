import Foundation
import GRDB
import ObservatoireCore

/// Writes validated rows, the import ledger and the rejects, inside the caller's transaction.
///
/// Every row carries the id of the ledger entry (the file) that last wrote it. A row is
/// *upserted*: a corrected export of the same identifiers updates those rows; but a second
/// row with the same identifier **in the same file** is not written (``enregistrer(_:importId:)``
/// returns false) and becomes a `doublon` reject.
///
/// ```swift
/// try base.file.write { db in
///     let e = try Ecrivain(db)
///     let id = try e.ouvrirImport(execution: "…", fichier: "acteurs.csv", table: .acteurs, empreinte: h, profil: nil)
///     _ = try e.enregistrer(.acteur(a), importId: id)
///     try e.fermerImport(id, lues: 1, importees: 1, rejetees: 0, vides: 0)
/// }
/// ```
public final class Ecrivain {
    private let db: Database
    private var instructions: [String: Statement] = [:]

    public init(_ db: Database) {
        self.db = db
    }

    private func instruction(_ sql: String) throws -> Statement {
        if let s = instructions[sql] { return s }
        let s = try db.makeStatement(sql: sql)
        instructions[sql] = s
        return s
    }

    // MARK: - Ledger

    /// Whether a file with this content hash was already imported.
    public func dejaImporte(empreinte: String) throws -> Bool {
        try Bool.fetchOne(try instruction("SELECT EXISTS (SELECT 1 FROM imports WHERE empreinte = ?)"),
                          arguments: [empreinte]) ?? false
    }

    public func ouvrirImport(execution: String, fichier: String, table: TableCanonique, empreinte: String,
                             profil: String?) throws -> Int64 {
        try instruction("""
            INSERT INTO imports (execution, fichier, table_cible, empreinte, profil, debut)
            VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [execution, fichier, table.rawValue, empreinte, profil, Ecrivain.maintenant()])
        return db.lastInsertedRowID
    }

    public func fixerEmpreinte(_ id: Int64, _ empreinte: String) throws {
        try instruction("UPDATE imports SET empreinte = ? WHERE id = ?").execute(arguments: [empreinte, id])
    }

    public func fermerImport(_ id: Int64, lues: Int, importees: Int, rejetees: Int, vides: Int) throws {
        try instruction("""
            UPDATE imports SET lues = ?, importees = ?, rejetees = ?, lignes_vides = ?, fin = ? WHERE id = ?
            """).execute(arguments: [lues, importees, rejetees, vides, Ecrivain.maintenant(), id])
    }

    public func rejeter(_ r: Rejet, importId: Int64, fichier: String) throws {
        try instruction("""
            INSERT INTO rejets (import_id, fichier, ligne, colonne, valeur, regle, message)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [importId, fichier, r.ligne, r.colonne, r.valeur, r.regle.rawValue, r.message])
    }

    static func maintenant() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    // MARK: - Lookups for reference rules

    /// What a proposition needs of its stored request: its date and territory.
    public struct SollicitationConnue: Sendable {
        public var date: Jour
        public var territoire: String
    }

    /// The date and territory of a stored request, or nil when it does not exist.
    public func sollicitation(_ id: String) throws -> SollicitationConnue? {
        guard let r = try Row.fetchOne(
            try instruction("SELECT date_sollicitation, territoire FROM sollicitations WHERE id_sollicitation = ?"),
            arguments: [id]), let date = Jour(iso: r[0]) else { return nil }
        return SollicitationConnue(date: date, territoire: r[1])
    }

    public func acteurExiste(_ id: String) throws -> Bool {
        try Bool.fetchOne(try instruction("SELECT EXISTS (SELECT 1 FROM acteurs WHERE acteur_id = ?)"),
                          arguments: [id]) ?? false
    }

    // MARK: - Rows

    /// Stores a validated row. Returns false when the same identifier was already written by
    /// this same file (a duplicate): nothing is written then. A proposition needs its request
    /// (`sollicitation`), whose date and territory it carries.
    public func enregistrer(_ e: Enregistrement, importId: Int64, sollicitation: SollicitationConnue? = nil) throws -> Bool {
        switch e {
        case .acteur(let a):
            try instruction("""
                INSERT INTO acteurs (acteur_id, nom, categorie, membre_coeur, partenaire, date_referencement, date_sortie, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (acteur_id) DO UPDATE SET nom = excluded.nom, categorie = excluded.categorie,
                    membre_coeur = excluded.membre_coeur, partenaire = excluded.partenaire,
                    date_referencement = excluded.date_referencement, date_sortie = excluded.date_sortie,
                    import_id = excluded.import_id
                WHERE acteurs.import_id <> excluded.import_id
                """).execute(arguments: [a.acteurId, a.nom, a.categorie.rawValue, a.membreCoeur, a.partenaire,
                                         a.dateReferencement.iso, a.dateSortie?.iso, importId])
            return db.changesCount > 0
        case .poste(let p):
            try instruction("""
                INSERT INTO equipe (poste_id, fonction, etp, recherche_solutions, date_debut, date_fin, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (poste_id) DO UPDATE SET fonction = excluded.fonction, etp = excluded.etp,
                    recherche_solutions = excluded.recherche_solutions, date_debut = excluded.date_debut,
                    date_fin = excluded.date_fin, import_id = excluded.import_id
                WHERE equipe.import_id <> excluded.import_id
                """).execute(arguments: [p.posteId, p.fonction.rawValue, p.etp, p.rechercheSolutions,
                                         p.dateDebut.iso, p.dateFin?.iso, importId])
            return db.changesCount > 0
        case .membreCoeur(let m):
            try instruction("""
                INSERT INTO membres_coeur (annee, membre, etp, import_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (annee, membre) DO UPDATE SET etp = excluded.etp, import_id = excluded.import_id
                WHERE membres_coeur.import_id <> excluded.import_id
                """).execute(arguments: [m.annee, m.membre, m.etp, importId])
            return db.changesCount > 0
        case .sollicitation(let s):
            try instruction("""
                INSERT INTO sollicitations (id_sollicitation, date_sollicitation, personne, profil, type_demande,
                    origine, accompagnee, projet_vie_co_construit, territoire, departement, canal,
                    niveau_intervention, orientation_rapt, tranche_age, date_cloture, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id_sollicitation) DO UPDATE SET date_sollicitation = excluded.date_sollicitation,
                    personne = excluded.personne, profil = excluded.profil, type_demande = excluded.type_demande,
                    origine = excluded.origine, accompagnee = excluded.accompagnee,
                    projet_vie_co_construit = excluded.projet_vie_co_construit, territoire = excluded.territoire,
                    departement = excluded.departement, canal = excluded.canal,
                    niveau_intervention = excluded.niveau_intervention, orientation_rapt = excluded.orientation_rapt,
                    tranche_age = excluded.tranche_age, date_cloture = excluded.date_cloture,
                    import_id = excluded.import_id
                WHERE sollicitations.import_id <> excluded.import_id
                """).execute(arguments: [
                    s.idSollicitation, s.dateSollicitation.iso, s.personne, s.profil.rawValue, s.typeDemande.rawValue,
                    s.origine.rawValue, s.accompagnee, s.projetVieCoConstruit?.rawValue, s.territoire, s.departement,
                    s.canal?.rawValue, s.niveauIntervention, s.orientationRapt, s.trancheAge?.rawValue,
                    s.dateCloture?.iso, importId,
                ])
            guard db.changesCount > 0 else { return false }
            try instruction("DELETE FROM sollicitation_problematiques WHERE id_sollicitation = ?")
                .execute(arguments: [s.idSollicitation])
            for p in s.problematiques {
                try instruction("INSERT OR IGNORE INTO sollicitation_problematiques (id_sollicitation, problematique) VALUES (?, ?)")
                    .execute(arguments: [s.idSollicitation, p])
            }
            return true
        case .proposition(let p):
            guard let sollicitation else {
                throw ErreurObservatoire(.erreurInterne, "Proposition « \(p.idProposition) » enregistrée sans sa sollicitation.", conseil: nil)
            }
            try instruction("""
                INSERT INTO propositions (id_proposition, id_sollicitation, territoire, date_sollicitation, date_proposition,
                    evaluation_preexistante, ad_hoc_partenaires, milieu_ordinaire, decision, date_decision, acteur_id, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id_proposition) DO UPDATE SET id_sollicitation = excluded.id_sollicitation,
                    territoire = excluded.territoire, date_sollicitation = excluded.date_sollicitation,
                    date_proposition = excluded.date_proposition,
                    evaluation_preexistante = excluded.evaluation_preexistante,
                    ad_hoc_partenaires = excluded.ad_hoc_partenaires, milieu_ordinaire = excluded.milieu_ordinaire,
                    decision = excluded.decision, date_decision = excluded.date_decision,
                    acteur_id = excluded.acteur_id, import_id = excluded.import_id
                WHERE propositions.import_id <> excluded.import_id
                """).execute(arguments: [
                    p.idProposition, p.idSollicitation, sollicitation.territoire, sollicitation.date.iso, p.dateProposition.iso,
                    p.evaluationPreexistante, p.adHocPartenaires, p.milieuOrdinaire, p.decision.rawValue, p.dateDecision?.iso,
                    p.acteurId, importId,
                ])
            return db.changesCount > 0
        }
    }

    // MARK: - Workspace facts

    public func meta(_ cle: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT valeur FROM meta WHERE cle = ?", arguments: [cle])
    }

    public func definirMeta(_ cle: String, _ valeur: String) throws {
        try db.execute(sql: "INSERT INTO meta (cle, valeur) VALUES (?, ?) ON CONFLICT (cle) DO UPDATE SET valeur = excluded.valeur",
                       arguments: [cle, valeur])
    }

    /// Whether any person pseudonym is stored (then the key must never change).
    public func contientDesPersonnes() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sollicitations)") ?? false
    }
}
