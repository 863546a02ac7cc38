import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing to standard output and standard error without ever trapping.
///
/// Why by hand: `FileHandle.write(_:)` traps (`try!` inside Foundation) when the descriptor is
/// closed, the disk is full (`>/dev/full`, a log on a full disk) or the pipe is broken, which
/// turned a finished monthly run into a SIGILL with an English backtrace. `write(2)` reports
/// the error instead; partial writes and interruptions (EINTR) are resumed.
public enum EcritureStandard {
    /// Writes all of `octets` to `fd`; nil when done, else the `errno` that stopped it.
    @discardableResult
    public static func ecrire(_ fd: Int32, _ octets: [UInt8]) -> Int32? {
        var fait = 0
        while fait < octets.count {
            let n = octets.withUnsafeBytes { brut in
                write(fd, brut.baseAddress! + fait, brut.count - fait)
            }
            if n > 0 {
                fait += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return n < 0 ? errno : EIO
            }
        }
        return nil
    }

    @discardableResult
    public static func ecrire(_ fd: Int32, _ texte: String) -> Int32? {
        ecrire(fd, Array(texte.utf8))
    }
}
