import Foundation
import GRDB
import ObservatoireCore

/// The quality of the data **as they stand in the base**, never the sum of past imports: rows
/// stored now, the rejects and warnings that still concern the current state, and the imports
/// that made it.
///
/// - A **reject** is current unless a later snapshot of its source replaced its import, or its
///   row was stored (or rejected again) by a later import, or — a row without a readable
///   identifier — the same file was imported again since.
/// - A **warning** is current while its row is still stored as its import wrote it.
/// - An **import** is current unless a later snapshot of the same source and table replaced it.
///
/// ```swift
/// let etat = try base.file.read { db in try EtatQualite.lire(db) }
/// etat.tables      // [("sollicitations", 306, 2, 5), …]
/// etat.problemes   // the rejects and warnings to fix, file by file
/// ```
public struct EtatQualite: Sendable {
    public struct Import: Sendable, Equatable {
        public var fichier: String
        public var table: String
        public var source: String?
        public var profil: String?
        public var date: String
        public var instantane: Bool
        public var lues: Int
        public var importees: Int
        public var rejetees: Int
        public var avertissements: Int
        public var ignorees: Int
    }

    public struct Table: Sendable, Equatable {
        public var table: String
        /// Rows stored now.
        public var enregistrees: Int
        /// Current rejects (rows of the sources that are not in the base).
        public var rejetees: Int
        /// Current warnings (stored rows with something missing).
        public var avertissements: Int
    }

    /// A reject or a warning, as the coordinator fixes it.
    public struct Probleme: Sendable, Equatable {
        public var avertissement: Bool
        public var fichier: String
        public var table: String
        public var ligne: Int
        public var colonne: String?
        public var colonneSource: String?
        public var valeur: String?
        public var identifiant: String?
        public var regle: String
        public var message: String
        public var correction: Correction
        public var profil: String?
        public var date: String

        /// The French label of the rule.
        public var libelleRegle: String {
            RegleRejet(rawValue: regle)?.libelle ?? RegleAvertissement(rawValue: regle)?.libelle ?? regle
        }
    }

    public var imports: [Import] = []
    public var tables: [Table] = []
    public var problemes: [Probleme] = []

    public var rejets: [Probleme] { problemes.filter { !$0.avertissement } }
    public var avertissements: [Probleme] { problemes.filter(\.avertissement) }
    public var totalEnregistrees: Int { tables.reduce(0) { $0 + $1.enregistrees } }
    public var totalRejetees: Int { tables.reduce(0) { $0 + $1.rejetees } }
    public var totalAvertissements: Int { tables.reduce(0) { $0 + $1.avertissements } }

    /// Counts by rule, largest first: (rule, French label, count).
    public static func parRegle(_ p: [Probleme]) -> [(regle: String, libelle: String, n: Int)] {
        var n: [String: Int] = [:]
        for x in p { n[x.regle, default: 0] += 1 }
        return n.map { ($0.key, (RegleRejet(rawValue: $0.key)?.libelle ?? RegleAvertissement(rawValue: $0.key)?.libelle ?? $0.key), $0.value) }
            .sorted { $0.n != $1.n ? $0.n > $1.n : $0.regle < $1.regle }
    }

    /// Whether a row with this identifier, written by an import after `import_id`, is stored in
    /// the table of the import `i` (SQL fragment over `r.identifiant`, `r.import_id`, `i.table_cible`).
    static let stockeeDepuis = """
        CASE i.table_cible
          WHEN 'sollicitations' THEN EXISTS (SELECT 1 FROM sollicitations x WHERE x.id_sollicitation = r.identifiant AND x.import_id > r.import_id)
          WHEN 'propositions' THEN EXISTS (SELECT 1 FROM propositions x WHERE x.id_proposition = r.identifiant AND x.import_id > r.import_id)
          WHEN 'acteurs' THEN EXISTS (SELECT 1 FROM acteurs x WHERE x.acteur_id = r.identifiant AND x.import_id > r.import_id)
          WHEN 'equipe' THEN EXISTS (SELECT 1 FROM equipe x WHERE x.poste_id = r.identifiant AND x.import_id > r.import_id)
          ELSE EXISTS (SELECT 1 FROM membres_coeur x WHERE x.annee || ' / ' || x.membre = r.identifiant AND x.import_id > r.import_id)
        END
        """

    /// The rejects that still concern the current state.
    static let rejetsCourants = """
        SELECT r.*, i.table_cible, i.profil, i.debut FROM rejets r JOIN imports i ON i.id = r.import_id
        WHERE i.fin IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM imports j WHERE j.source_id = i.source_id AND j.table_cible = i.table_cible
                          AND j.instantane = 1 AND j.id > i.id AND j.fin IS NOT NULL)
          AND NOT (r.identifiant IS NULL AND EXISTS (SELECT 1 FROM imports j WHERE j.fichier = i.fichier AND j.table_cible = i.table_cible
                                                      AND j.id > i.id AND j.fin IS NOT NULL))
          AND NOT (r.identifiant IS NOT NULL AND r.regle <> 'doublon' AND (
                EXISTS (SELECT 1 FROM rejets r2 JOIN imports j ON j.id = r2.import_id
                        WHERE r2.identifiant = r.identifiant AND j.table_cible = i.table_cible AND r2.import_id > r.import_id)
                OR \(stockeeDepuis)))
        """

    /// The warnings of rows still stored as their import wrote them.
    static let avertissementsCourants = """
        SELECT a.*, i.table_cible, i.profil, i.debut FROM avertissements a JOIN imports i ON i.id = a.import_id
        WHERE CASE i.table_cible
          WHEN 'sollicitations' THEN EXISTS (SELECT 1 FROM sollicitations x WHERE x.id_sollicitation = a.identifiant AND x.import_id = a.import_id)
          WHEN 'propositions' THEN EXISTS (SELECT 1 FROM propositions x WHERE x.id_proposition = a.identifiant AND x.import_id = a.import_id)
          ELSE 0
        END
        """

    public static func lire(_ db: Database) throws -> EtatQualite {
        var e = EtatQualite()
        for r in try Row.fetchAll(db, sql: """
            SELECT i.fichier, i.table_cible, s.cle, i.profil, i.debut, i.instantane, i.lues, i.importees, i.rejetees,
                   i.avertissements, i.ignorees
            FROM imports i LEFT JOIN sources s ON s.id = i.source_id
            WHERE i.fin IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM imports j WHERE j.source_id = i.source_id AND j.table_cible = i.table_cible
                              AND j.instantane = 1 AND j.id > i.id AND j.fin IS NOT NULL)
            ORDER BY i.debut, i.id
            """) {
            e.imports.append(Import(fichier: r[0], table: r[1], source: r[2], profil: r[3], date: r[4], instantane: r[5],
                                    lues: r[6], importees: r[7], rejetees: r[8], avertissements: r[9], ignorees: r[10]))
        }
        for r in try Row.fetchAll(db, sql: rejetsCourants + " ORDER BY r.fichier, i.table_cible, r.ligne, r.id") {
            e.problemes.append(Probleme(avertissement: false, fichier: r["fichier"], table: r["table_cible"], ligne: r["ligne"],
                                        colonne: r["colonne"], colonneSource: r["colonne_source"], valeur: r["valeur"],
                                        identifiant: r["identifiant"], regle: r["regle"], message: r["message"],
                                        correction: Correction(rawValue: r["correction"] ?? "") ?? .tableur,
                                        profil: r["profil"], date: r["debut"]))
        }
        for r in try Row.fetchAll(db, sql: avertissementsCourants + " ORDER BY a.fichier, i.table_cible, a.ligne, a.id") {
            e.problemes.append(Probleme(avertissement: true, fichier: r["fichier"], table: r["table_cible"], ligne: r["ligne"],
                                        colonne: r["colonne"], colonneSource: r["colonne_source"], valeur: nil,
                                        identifiant: r["identifiant"], regle: r["regle"], message: r["message"],
                                        correction: .tableur, profil: r["profil"], date: r["debut"]))
        }
        // File by file, tables in dependency order, rows in file order.
        let ordre = Dictionary(uniqueKeysWithValues: TableCanonique.allCases.enumerated().map { ($0.element.rawValue, $0.offset) })
        e.problemes.sort { a, b in
            (a.fichier, ordre[a.table] ?? 9, a.ligne, a.avertissement ? 1 : 0) < (b.fichier, ordre[b.table] ?? 9, b.ligne, b.avertissement ? 1 : 0)
        }
        for t in TableCanonique.allCases {
            let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t.rawValue)") ?? 0
            let rej = e.problemes.filter { !$0.avertissement && $0.table == t.rawValue }.count
            let av = e.problemes.filter { $0.avertissement && $0.table == t.rawValue }.count
            e.tables.append(Table(table: t.rawValue, enregistrees: n, rejetees: rej, avertissements: av))
        }
        return e
    }
}
