import Foundation
import Logging

/// A swift-log handler writing one line per event to a run's log file (mode 0600), in the
/// workspace's `journaux/` folder. Log lines never hold personal data: they name files,
/// counts and rules, never a cell value.
public struct JournalFichier: LogHandler {
    private let sortie: SortieJournal
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    init(sortie: SortieJournal) { self.sortie = sortie }

    public subscript(metadataKey cle: String) -> Logger.Metadata.Value? {
        get { metadata[cle] }
        set { metadata[cle] = newValue }
    }

    public func log(event: LogEvent) {
        // One event, one line: a file name with a newline or an escape sequence cannot forge
        // another line nor drive the terminal of whoever reads the log.
        var ligne = "\(Horodatage.isoLocal()) [\(event.level)] \(TexteSur.surUneLigne("\(event.message)"))"
        let tout = metadata.merging(event.metadata ?? [:]) { $1 }
        if !tout.isEmpty {
            ligne += " " + tout.sorted { $0.key < $1.key }.map { "\(TexteSur.surUneLigne($0.key))=\(TexteSur.surUneLigne("\($0.value)"))" }.joined(separator: " ")
        }
        sortie.ecrire(ligne + "\n")
    }
}

final class SortieJournal: @unchecked Sendable {
    private let fd: Int32
    private let verrou = NSLock()
    init(fd: Int32) { self.fd = fd }
    func ecrire(_ texte: String) {
        verrou.lock(); defer { verrou.unlock() }
        let octets = Array(texte.utf8)
        _ = octets.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
    deinit { close(fd) }
}

/// Creating the log of a run.
public enum Journal {
    /// Opens `journaux/AAAA-MM-JJTHHMMSS-<commande>.log` (mode 0600) and returns a logger
    /// writing to it, with the file's URL. When the folder cannot be written, the logger
    /// writes nowhere and the URL is nil: a log must never stop the run itself.
    public static func ouvrir(dans dossier: URL, commande: String) -> (Logger, URL?) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd'T'HHmmss"
        try? FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        var url = dossier.appendingPathComponent("\(f.string(from: Date()))-\(commande).log")
        var n = 1
        while FileManager.default.fileExists(atPath: url.path) {
            n += 1
            url = dossier.appendingPathComponent("\(f.string(from: Date()))-\(commande)-\(n).log")
        }
        // A new file only (`O_EXCL` never follows a link planted under the expected name).
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            return (Logger(label: "c360", factory: { _ in SwiftLogNoOpLogHandler() }), nil)
        }
        let sortie = SortieJournal(fd: fd)
        return (Logger(label: "c360", factory: { _ in JournalFichier(sortie: sortie) }), url)
    }

    /// A logger that writes nowhere.
    public static var muet: Logger { Logger(label: "c360", factory: { _ in SwiftLogNoOpLogHandler() }) }
}
