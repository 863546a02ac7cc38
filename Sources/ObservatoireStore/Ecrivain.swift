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
    private var rapides: [Requete: InstructionPreparee] = [:]
    /// The requests table was empty when the current file started: its rows are all new, and
    /// there are no old problem types to clear (the first load of a large history).
    private var sollicitationsVides: Bool?

    /// The statements of the hot path, by name (looking them up by their SQL text meant
    /// hashing a long string for every row).
    private enum Requete: Hashable {
        case sollicitationConnue, acteurConnu, acteur, poste, membreCoeur, sollicitation
        case effacerProblematiques, ajouterProblematique, proposition
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

    /// Whether a file with this content hash was already imported.
    public func dejaImporte(empreinte: String) throws -> Bool {
        try Bool.fetchOne(try instruction("SELECT EXISTS (SELECT 1 FROM imports WHERE empreinte = ?)"),
                          arguments: [empreinte]) ?? false
    }

    public func ouvrirImport(execution: String, fichier: String, table: TableCanonique, empreinte: String,
                             profil: String?) throws -> Int64 {
        sollicitationsVides = nil
        try instruction("""
            INSERT INTO imports (execution, fichier, table_cible, empreinte, profil, debut)
            VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [execution, fichier, table.rawValue, empreinte, profil, Horodatage.iso()])
        return db.lastInsertedRowID
    }

    public func fixerEmpreinte(_ id: Int64, _ empreinte: String) throws {
        try instruction("UPDATE imports SET empreinte = ? WHERE id = ?").execute(arguments: [empreinte, id])
    }

    public func fermerImport(_ id: Int64, lues: Int, importees: Int, rejetees: Int, vides: Int) throws {
        try instruction("""
            UPDATE imports SET lues = ?, importees = ?, rejetees = ?, lignes_vides = ?, fin = ? WHERE id = ?
            """).execute(arguments: [lues, importees, rejetees, vides, Horodatage.iso(), id])
    }

    public func rejeter(_ r: Rejet, importId: Int64, fichier: String) throws {
        try instruction("""
            INSERT INTO rejets (import_id, fichier, ligne, colonne, valeur, regle, message)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [importId, fichier, r.ligne, r.colonne, r.valeur, r.regle.rawValue, r.message])
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

    public func acteurExiste(_ id: String) throws -> Bool {
        let i = try rapide(.acteurConnu, "SELECT 1 FROM acteurs WHERE acteur_id = ?")
        i.texte(id)
        return try i.premierTexte() != nil
    }

    // MARK: - Rows

    /// Stores a validated row. Returns false when the same identifier was already written by
    /// this same file (a duplicate): nothing is written then. A proposition needs its request
    /// (`sollicitation`), whose date and territory it carries.
    public func enregistrer(_ e: Enregistrement, importId: Int64, sollicitation: SollicitationConnue? = nil) throws -> Bool {
        switch e {
        case .acteur(let a):
            let i = try rapide(.acteur, """
                INSERT INTO acteurs (acteur_id, nom, categorie, membre_coeur, partenaire, date_referencement, date_sortie, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (acteur_id) DO UPDATE SET nom = excluded.nom, categorie = excluded.categorie,
                    membre_coeur = excluded.membre_coeur, partenaire = excluded.partenaire,
                    date_referencement = excluded.date_referencement, date_sortie = excluded.date_sortie,
                    import_id = excluded.import_id
                WHERE acteurs.import_id <> excluded.import_id
                """)
            i.texte(a.acteurId); i.texte(a.nom); i.texte(a.categorie.rawValue); i.booleen(a.membreCoeur); i.booleen(a.partenaire)
            i.texte(a.dateReferencement.iso); i.texte(a.dateSortie?.iso); i.entier(Int(importId))
            return try i.executer() > 0
        case .poste(let p):
            let i = try rapide(.poste, """
                INSERT INTO equipe (poste_id, fonction, etp, recherche_solutions, date_debut, date_fin, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (poste_id) DO UPDATE SET fonction = excluded.fonction, etp = excluded.etp,
                    recherche_solutions = excluded.recherche_solutions, date_debut = excluded.date_debut,
                    date_fin = excluded.date_fin, import_id = excluded.import_id
                WHERE equipe.import_id <> excluded.import_id
                """)
            i.texte(p.posteId); i.texte(p.fonction.rawValue); i.reel(p.etp); i.booleen(p.rechercheSolutions)
            i.texte(p.dateDebut.iso); i.texte(p.dateFin?.iso); i.entier(Int(importId))
            return try i.executer() > 0
        case .membreCoeur(let m):
            let i = try rapide(.membreCoeur, """
                INSERT INTO membres_coeur (annee, membre, etp, import_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (annee, membre) DO UPDATE SET etp = excluded.etp, import_id = excluded.import_id
                WHERE membres_coeur.import_id <> excluded.import_id
                """)
            i.entier(m.annee); i.texte(m.membre); i.reel(m.etp); i.entier(Int(importId))
            return try i.executer() > 0
        case .sollicitation(let s):
            let i = try rapide(.sollicitation, """
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
                """)
            i.texte(s.idSollicitation); i.texte(s.dateSollicitation.iso); i.texte(s.personne); i.texte(s.profil.rawValue)
            i.texte(s.typeDemande.rawValue); i.texte(s.origine.rawValue); i.booleen(s.accompagnee)
            i.texte(s.projetVieCoConstruit?.rawValue); i.texte(s.territoire); i.texte(s.departement); i.texte(s.canal?.rawValue)
            i.entier(s.niveauIntervention); i.booleen(s.orientationRapt); i.texte(s.trancheAge?.rawValue); i.texte(s.dateCloture?.iso)
            i.entier(Int(importId))
            if sollicitationsVides == nil {
                sollicitationsVides = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM sollicitations)") ?? false
            }
            guard try i.executer() > 0 else { return false }
            if sollicitationsVides != true {
                let effacer = try rapide(.effacerProblematiques, "DELETE FROM sollicitation_problematiques WHERE id_sollicitation = ?")
                effacer.texte(s.idSollicitation)
                try effacer.executer()
            }
            let ajouter = try rapide(.ajouterProblematique, "INSERT OR IGNORE INTO sollicitation_problematiques (id_sollicitation, problematique) VALUES (?, ?)")
            for p in s.problematiques {
                ajouter.texte(s.idSollicitation); ajouter.texte(p)
                try ajouter.executer()
            }
            return true
        case .proposition(let p):
            guard let sollicitation else {
                throw ErreurObservatoire.interne("Proposition « \(p.idProposition) » enregistrée sans sa sollicitation.")
            }
            let i = try rapide(.proposition, """
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
                """)
            i.texte(p.idProposition); i.texte(p.idSollicitation); i.texte(sollicitation.territoire); i.texte(sollicitation.date.iso)
            i.texte(p.dateProposition.iso); i.booleen(p.evaluationPreexistante); i.booleen(p.adHocPartenaires)
            i.booleen(p.milieuOrdinaire); i.texte(p.decision.rawValue); i.texte(p.dateDecision?.iso); i.texte(p.acteurId)
            i.entier(Int(importId))
            return try i.executer() > 0
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
