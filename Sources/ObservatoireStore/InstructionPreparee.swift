import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement driven through the SQLite C API, for the import's hot path: binding
/// values one by one avoids building a `StatementArguments` array of boxed values for every
/// row (measured: about a third of the per-row cost of the store stage). The statement is still
/// created and owned by GRDB, inside GRDB's transaction; errors come back as `DatabaseError`.
final class InstructionPreparee {
    private let instruction: Statement
    private let pointeur: OpaquePointer
    private let db: Database
    private var index: Int32 = 0

    /// SQLite copies the bytes before the call returns.
    private static let transitoire = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        self.db = db
        instruction = try db.makeStatement(sql: sql)
        pointeur = instruction.sqliteStatement
    }

    func texte(_ s: String?) {
        index += 1
        guard var s else { sqlite3_bind_null(pointeur, index); return }
        s.withUTF8 { p in
            _ = sqlite3_bind_text(pointeur, index, UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(p.count), InstructionPreparee.transitoire)
        }
    }

    func entier(_ n: Int?) {
        index += 1
        guard let n else { sqlite3_bind_null(pointeur, index); return }
        sqlite3_bind_int64(pointeur, index, Int64(n))
    }

    func booleen(_ b: Bool?) { entier(b.map { $0 ? 1 : 0 }) }

    func reel(_ x: Double?) {
        index += 1
        guard let x else { sqlite3_bind_null(pointeur, index); return }
        sqlite3_bind_double(pointeur, index, x)
    }

    /// Runs the statement with the values bound since the last run; returns the number of
    /// rows changed.
    @discardableResult
    func executer() throws -> Int {
        defer {
            sqlite3_reset(pointeur)
            index = 0
        }
        let code = sqlite3_step(pointeur)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: instruction.sql)
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Steps once and reads the first row with `lire` (given the statement and its column
    /// count), or nil when there is no row.
    func premiereLigne<T>(_ lire: (OpaquePointer, Int32) -> T) throws -> T? {
        defer {
            sqlite3_reset(pointeur)
            index = 0
        }
        let code = sqlite3_step(pointeur)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: instruction.sql)
        }
        return lire(pointeur, sqlite3_column_count(pointeur))
    }

    /// The first two columns of the first row, as text (for lookups).
    func premierTexte() throws -> (String, String)? {
        try premiereLigne { p, n in
            func colonne(_ i: Int32) -> String {
                guard let c = sqlite3_column_text(p, i) else { return "" }
                return String(cString: c)
            }
            return (colonne(0), n > 1 ? colonne(1) : "")
        }
    }
}

extension InstructionPreparee {
    /// The first row's integer columns (nil for NULL), or nil when there is no row.
    func premiersEntiers() throws -> [Int64?]? {
        try premiereLigne { p, n in (0..<n).map { sqlite3_column_type(p, $0) == SQLITE_NULL ? nil : sqlite3_column_int64(p, $0) } }
    }
}
