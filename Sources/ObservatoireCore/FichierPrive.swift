import Foundation

/// Writes a file that only its owner may read (mode 0600), atomically: the bytes go to a new
/// temporary file beside the destination, which then replaces it. Used for what quotes values
/// of the exports (the list of rows to fix).
public enum FichierPrive {
    public static func ecrire(_ donnees: Data, vers url: URL) throws {
        // A short temporary name: the destination's own may already be near the 255-byte limit.
        let temporaire = url.deletingLastPathComponent().appendingPathComponent(".c360-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        unlink(temporaire.path)
        let fd = open(temporaire.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ErreurObservatoire.ecriture(url.path, MessageSysteme.errno(errno)) }
        var ok = true
        donnees.withUnsafeBytes { p in
            var fait = 0
            while fait < p.count {
                let n = write(fd, p.baseAddress! + fait, p.count - fait)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                fait += n
            }
        }
        let cause = ok ? "" : MessageSysteme.errno(errno)
        if ok && fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(temporaire.path, url.path) == 0 else {
            let c = cause.isEmpty ? MessageSysteme.errno(errno) : cause
            unlink(temporaire.path)
            throw ErreurObservatoire.ecriture(url.path, c)
        }
    }
}
