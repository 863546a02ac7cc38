import Foundation
import GRDB
import ObservatoireCore

/// One count that an external document printed: which figure of which indicator, over which
/// period and territory, and what it showed — its value, « moins de 5 » or « masqué ». The
/// registry of publications keeps them (``RegistreDesPublications``).
public struct ChiffrePublie: Hashable, Sendable {
    /// What the document showed; a reader of it knows as much.
    public enum Etat: String, Sendable {
        /// The value (`valeur`).
        case publie
        /// « moins de 5 »: from 1 to the threshold − 1 (`valeur` 0).
        case petit
        /// « masqué »: at least the threshold (`valeur` 0).
        case secret
    }

    /// The indicator's code.
    public var indicateur: String
    /// Which figure: `valeur`, `numerateur`, `denominateur`, a count among the statistics,
    /// `base` (the base of a breakdown's shares) or `ligne:<clé>` (a line of a breakdown, by
    /// its key: an attribute's value, or a month `AAAA-MM`).
    public var champ: String
    public var debut: Jour
    public var fin: Jour
    /// The territory of the table ("" for the whole C360).
    public var territoire: String
    public var etat: Etat
    /// The value shown (0 for a masked count).
    public var valeur: Int

    public init(indicateur: String, champ: String, debut: Jour, fin: Jour, territoire: String, etat: Etat = .publie, valeur: Int) {
        self.indicateur = indicateur
        self.champ = champ
        self.debut = debut
        self.fin = fin
        self.territoire = territoire
        self.etat = etat
        self.valeur = etat == .publie ? valeur : 0
    }
}

/// The registry of the counts published in external diffusion, kept in the base across runs.
///
/// Each external document is protected after the documents published before it: a mid-year
/// dashboard, the year-to-date report, a territory's report are each safe alone, but a reader
/// who holds September's dashboard and the annual report could subtract one from the other and
/// recover a small count that each of them masked. So every external protection
/// (``Moteur/proteger(_:imprimees:document:)``) first reads what was already published over the
/// periods it covers, and takes what is **still true** in today's data as known to the reader:
/// a value shown (same value today) can no longer be withheld; a count shown « moins de 5 »
/// (still from 1 to 4 today) is known to be so, one shown « masqué » (still at least 5) to be at
/// least 5 and stays masked. The audit checks that no small count can be recovered from them
/// and the new document together. Then it adds what the new document prints.
///
/// Rules (printed by the methodology):
/// - a count published before and **revised since** (late data, corrections) is not taken as
///   known: the reader does not know what the revision changed; the threshold rule is applied
///   to today's figure;
/// - a document protected in external diffusion is registered as published as soon as it is
///   protected, before its files are written: a document made but never sent only costs
///   masked cells later, never a leak;
/// - the registry only grows (`INSERT OR IGNORE`): a re-run that publishes the same counts
///   adds nothing, and reproduces the same pattern.
///
/// ```swift
/// let connus = try base.file.read { db in try RegistreDesPublications.lire(db, de: debut, a: fin) }
/// try base.file.write { db in try RegistreDesPublications.inscrire(db, chiffres, document: "rapport annuel 2025") }
/// ```
public enum RegistreDesPublications {
    /// The counts published over a period that overlaps `debut…fin`.
    public static func lire(_ db: Database, de debut: Jour, a fin: Jour) throws -> [ChiffrePublie] {
        let lignes = try Row.fetchAll(db, sql: """
            SELECT DISTINCT indicateur, champ, debut, fin, territoire, etat, valeur FROM chiffres_publies
            WHERE fin >= ? AND debut <= ?
            ORDER BY debut, fin, territoire, indicateur, champ, etat, valeur
            """, arguments: [debut.iso, fin.iso])
        return lignes.compactMap { r in
            guard let d = Jour(iso: r["debut"]), let f = Jour(iso: r["fin"]), let etat = ChiffrePublie.Etat(rawValue: r["etat"]) else { return nil }
            return ChiffrePublie(indicateur: r["indicateur"], champ: r["champ"], debut: d, fin: f,
                                 territoire: r["territoire"], etat: etat, valeur: r["valeur"])
        }
    }

    /// Adds the counts a document prints (those already there stay as they were).
    public static func inscrire(_ db: Database, _ chiffres: [ChiffrePublie], document: String, le date: Date = Date()) throws {
        let le = Horodatage.iso(date)
        let insertion = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO chiffres_publies (indicateur, champ, debut, fin, territoire, etat, valeur, document, publie_le)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for c in chiffres {
            try insertion.execute(arguments: [c.indicateur, c.champ, c.debut.iso, c.fin.iso, c.territoire, c.etat.rawValue, c.valeur, document, le])
        }
    }

    /// How many counts the registry holds.
    public static func nombre(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM chiffres_publies") ?? 0
    }
}
