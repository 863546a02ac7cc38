import Foundation

/// The workspace lock: one writing run at a time (`importer`, `executer`, `demo`).
///
/// It is an advisory `flock` on `.verrou` at the root of the workspace. The kernel releases it
/// when the process ends, even by a crash or SIGKILL, so a lock left by a crashed run never
/// blocks the next one: the next run takes it over and says so in its log.
///
/// ```swift
/// let verrou = try Verrou.prendre(espace)   // throws code 75 if another run holds it
/// defer { verrou.liberer() }
/// ```
public final class Verrou {
    private var fd: Int32
    private let partage: Bool
    /// The owner recorded by a previous run that ended without releasing the lock (a crash).
    public let repriseApresInterruption: String?

    private init(fd: Int32, reprise: String?, partage: Bool = false) {
        self.fd = fd
        self.repriseApresInterruption = reprise
        self.partage = partage
    }

    public static func prendre(_ espace: EspaceDeTravail) throws -> Verrou {
        let chemin = espace.fichierVerrou.path
        // Never through a link: a `.verrou` planted as a link to the database would be truncated.
        let fd = open(chemin, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ErreurObservatoire(.ecritureImpossible,
                "Impossible de créer le verrou « \(chemin) » : \(MessageSysteme.errno(errno)).",
                conseil: "L'espace de travail doit être accessible en écriture par le compte qui lance c360.")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let proprietaire = lireContenu(fd)
            close(fd)
            throw ErreurObservatoire(.verrouille,
                "Une autre exécution utilise déjà cet espace de travail (\(proprietaire.isEmpty ? "processus inconnu" : proprietaire)).",
                conseil: "Réessayez quand elle sera terminée ; rien n'a été modifié.")
        }
        // We hold the lock: a content left there is the trace of a run that did not end cleanly.
        let ancien = lireContenu(fd)
        let trace = "processus \(getpid()), démarré le \(Horodatage.iso())"
        _ = ftruncate(fd, 0)
        _ = lseek(fd, 0, SEEK_SET)
        let octets = Array(trace.utf8)
        _ = octets.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return Verrou(fd: fd, reprise: ancien.isEmpty ? nil : ancien)
    }

    /// A shared lock for the commands that only read (`indicateurs`, `rapport`,
    /// `tableau-de-bord`): several may run together, but not during an import, so that every
    /// figure of one output comes from the same state of the data.
    public static func prendrePartage(_ espace: EspaceDeTravail) throws -> Verrou {
        let chemin = espace.fichierVerrou.path
        var fd = open(chemin, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { fd = open(chemin, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            // A read-only workspace without a lock file: nothing can write there either.
            return Verrou(fd: -1, reprise: nil)
        }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 {
            let proprietaire = lireContenu(fd)
            close(fd)
            throw ErreurObservatoire(.verrouille,
                "Un import est en cours dans cet espace de travail (\(proprietaire.isEmpty ? "processus inconnu" : proprietaire)).",
                conseil: "Relancez la commande quand il sera terminé, pour que les chiffres portent sur des données complètes.")
        }
        return Verrou(fd: fd, reprise: nil, partage: true)
    }

    private static func lireContenu(_ fd: Int32) -> String {
        var tampon = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &tampon, tampon.count, 0)
        guard n > 0 else { return "" }
        return String(decoding: tampon[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Releases the lock and clears the trace (a clean end).
    public func liberer() {
        guard fd >= 0 else { return }
        if !partage { _ = ftruncate(fd, 0) }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { liberer() }
}
