import ObservatoireCore

/// The state of a bulk load (see ``Ecrivain/commencerEnBloc(_:)``): the indexes to build again,
/// the rows waiting for their multi-row insertion into the staging table, and what the file's
/// identifiers were.
final class ChargementEnBloc {
    /// Rows appended to the staging table by one statement (19 values each, far below SQLite's
    /// limit of 32 766): one statement per row cost as much again as the insertion itself.
    static let lignesParInstruction = 32
    /// The names of the staging tables (in the connection's temporary database): one per table
    /// and, for the requests, one for their problem types. They are not dropped at the end of
    /// the load: dropping walks every page of a table (0.4 s for a decade of requests), while
    /// the temporary database is deleted whole when the import sets `temp_store` back (SQLite
    /// then deletes every temporary table) or the connection closes. A later bulk load of the
    /// same table in the same import drops them first.
    static func attente(_ table: TableCanonique) -> String { "c360_chargement_\(table.rawValue)" }
    static let attenteProblematiques = "c360_chargement_problematiques"

    /// A row waiting for its insertion into the staging table.
    struct Ligne {
        let enregistrement: Enregistrement
        let empreinte: Int64
        let sollicitation: Ecrivain.SollicitationConnue?
        let importId: Int64
        let source: Int64
    }

    enum Issue {
        /// An identifier certainly not seen before in this file.
        case nouveau
        /// The same identifier as an earlier row left unsettled: a duplicate.
        case doublon
        /// Perhaps seen before (a duplicate, or rarely another identifier with the same hash
        /// bits): left for the identifier index to settle.
        case incertain
    }

    let table: TableCanonique
    /// The indexes dropped at the start, built again at the end.
    let index: [(nom: String, sql: String)]
    /// The table's key columns, in order: the staging table is copied into it sorted by them.
    let cle: [String]
    private(set) var tampon: [Ligne] = []
    /// The identifiers given by the file, as a Bloom filter (fixed size, whatever the file's).
    private var vus = FiltreDeBloom()
    /// Identifiers answered ``Issue/incertain``: a later row with the same one is a duplicate.
    private var differes: Set<String> = []

    init(table: TableCanonique, index: [(nom: String, sql: String)], cle: [String]) {
        self.table = table
        self.index = index
        self.cle = cle
        tampon.reserveCapacity(ChargementEnBloc.lignesParInstruction)
    }

    /// Records the identifier of the next row and says whether it is new.
    func noter(_ identifiant: String) -> Issue {
        if !differes.isEmpty, differes.contains(identifiant) { return .doublon }
        if vus.inserer(identifiant.hashValue) { return .nouveau }
        differes.insert(identifiant)
        return .incertain
    }

    /// Keeps a row (after ``noter(_:)`` said it is new); false for a proposition without its
    /// request, or another table's row.
    func ajouter(_ e: Enregistrement, empreinte: Int64, sollicitation: Ecrivain.SollicitationConnue?, importId: Int64, source: Int64) -> Bool {
        switch e {
        case .sollicitation: break
        case .proposition: guard sollicitation != nil else { return false }
        default: return false
        }
        tampon.append(Ligne(enregistrement: e, empreinte: empreinte, sollicitation: sollicitation, importId: importId, source: source))
        return true
    }

    /// The problem types of the waiting requests.
    func problematiques() -> [(String, String)] {
        var liste: [(String, String)] = []
        for l in tampon {
            if case .sollicitation(let s) = l.enregistrement {
                for p in s.problematiques { liste.append((s.idSollicitation, p)) }
            }
        }
        return liste
    }

    /// Empties the rows once inserted (the identifiers of the file stay).
    func vider() {
        tampon.removeAll(keepingCapacity: true)
    }
}

/// A blocked Bloom filter of 64-bit hashes: 2²⁰ words of 64 bits (8 MiB); a hash sets four
/// bits of one word (one memory access per row instead of four: the probes of a plain filter
/// were cache misses on the storing thread). A hash never inserted is reported as seen with a
/// probability of about 1.5 × 10⁻⁴ after a million insertions (such a row is merely
/// ``ChargementEnBloc/Issue/incertain``: stored at the end through the identifier index); a
/// hash inserted before is always reported.
struct FiltreDeBloom {
    private static let mots = 1 << 20
    private var mots = [UInt64](repeating: 0, count: FiltreDeBloom.mots)

    /// Inserts `h`; true when it was certainly not there before.
    mutating func inserer(_ h: Int) -> Bool {
        // The hash mixed once (SplitMix64 finaliser): 20 bits choose the word, four times six
        // bits the bits within it.
        var z = UInt64(bitPattern: Int64(h)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let k = Int(z & UInt64(FiltreDeBloom.mots - 1))
        let masque: UInt64 = 1 << ((z >> 20) & 63) | 1 << ((z >> 26) & 63) | 1 << ((z >> 32) & 63) | 1 << ((z >> 38) & 63)
        let avant = mots[k]
        mots[k] = avant | masque
        return avant & masque != masque
    }
}
