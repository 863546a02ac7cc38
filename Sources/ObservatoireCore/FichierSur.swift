import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What identifies a file's state: device, inode, size, modification time. Two looks that give
/// the same identity saw the same, finished file; a file still being written changes it.
public struct IdentiteFichier: Equatable, Sendable {
    public var peripherique: UInt64
    public var inode: UInt64
    public var taille: Int64
    public var modificationSecondes: Int
    public var modificationNanosecondes: Int

    init(_ s: stat) {
        peripherique = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        taille = Int64(s.st_size)
        #if os(Linux)
        modificationSecondes = Int(s.st_mtim.tv_sec)
        modificationNanosecondes = Int(s.st_mtim.tv_nsec)
        #else
        modificationSecondes = Int(s.st_mtimespec.tv_sec)
        modificationNanosecondes = Int(s.st_mtimespec.tv_nsec)
        #endif
    }

    /// The identity of the entry itself (a link is not followed), or nil when it cannot be seen.
    public static func regarder(_ chemin: String) -> IdentiteFichier? {
        var s = stat()
        guard lstat(chemin, &s) == 0 else { return nil }
        return IdentiteFichier(s)
    }

    /// Seconds since the last modification.
    public func age(maintenant: Date = Date()) -> TimeInterval {
        maintenant.timeIntervalSince1970 - (Double(modificationSecondes) + Double(modificationNanosecondes) / 1e9)
    }
}

/// Why a file of the workspace could not be opened or read, in French.
public struct ErreurFichier: Error, CustomStringConvertible, Sendable {
    public enum Nature: Equatable, Sendable {
        case absent
        case lienSymbolique
        case dossier
        /// A FIFO, a socket, a device.
        case special
        case droits
        case tropGros(limite: Int)
        case nonUTF8
        /// Its size or date changed while it was being read: it is still being written.
        case enCoursDEcriture
        case systeme(Int32)
    }

    public var chemin: String
    public var nature: Nature

    public init(_ chemin: String, _ nature: Nature) {
        self.chemin = chemin
        self.nature = nature
    }

    init(_ chemin: String, errno e: Int32) {
        self.chemin = chemin
        switch e {
        case ENOENT, ENOTDIR: nature = .absent
        case ELOOP: nature = .lienSymbolique
        case EACCES, EPERM: nature = .droits
        case EISDIR: nature = .dossier
        case ENXIO, ENODEV: nature = .special
        default: nature = .systeme(e)
        }
    }

    /// What happened, without the file's name (the caller names it).
    public var raison: String {
        switch nature {
        case .absent: return "le fichier est introuvable"
        case .lienSymbolique: return "c'est un lien symbolique (un raccourci vers un autre fichier) ; par sécurité, c360 ne suit pas les liens"
        case .dossier: return "c'est un dossier, pas un fichier"
        case .special: return "ce n'est pas un fichier ordinaire (tube, périphérique ou prise réseau)"
        case .droits: return "le compte « \(MessageSysteme.compte) » n'a pas le droit de le lire"
        case .tropGros(let limite): return "il dépasse la taille maximale de \(ErreurFichier.taille(limite))"
        case .nonUTF8: return "il n'est pas en UTF-8"
        case .enCoursDEcriture: return "il a changé pendant la lecture (il est sans doute encore en cours d'écriture)"
        case .systeme(let e): return MessageSysteme.errno(e)
        }
    }

    public var conseil: String {
        switch nature {
        case .absent: return "Vérifiez le chemin indiqué."
        case .lienSymbolique: return "Remplacez le lien par le fichier lui-même (une copie)."
        case .dossier, .special: return "Indiquez un fichier ordinaire."
        case .droits: return "Donnez au compte qui lance c360 le droit de lire ce fichier (et de traverser ses dossiers), ou lancez c360 avec le compte propriétaire de l'espace de travail."
        case .tropGros: return "Vérifiez qu'il s'agit du bon fichier."
        case .nonUTF8: return "Enregistrez-le en UTF-8 depuis votre éditeur de texte."
        case .enCoursDEcriture: return "Attendez la fin de la copie ; il sera repris à la prochaine exécution."
        case .systeme: return "Réessayez ; si le problème persiste, signalez-le à l'équipe technique."
        }
    }

    public var description: String { "« \(TexteSur.surUneLigne(chemin)) » : \(raison)" }

    static func taille(_ n: Int) -> String {
        n >= 1 << 20 ? "\(FormatFrancais.entier(n >> 20)) Mo" : "\(FormatFrancais.entier(max(1, n >> 10))) Ko"
    }
}

/// A regular file opened for reading, closed when done (or when released).
public final class FichierOuvert {
    public private(set) var fd: Int32
    public let chemin: String
    /// Its state when it was opened.
    public let identite: IdentiteFichier

    init(fd: Int32, chemin: String, identite: IdentiteFichier) {
        self.fd = fd
        self.chemin = chemin
        self.identite = identite
    }

    deinit { fermer() }

    public var taille: Int { Int(identite.taille) }

    public func fermer() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// Whether the file changed since it was opened (size or modification time).
    public func aChange() -> Bool {
        guard fd >= 0 else { return false }
        var s = stat()
        guard fstat(fd, &s) == 0 else { return true }
        return IdentiteFichier(s) != identite
    }

    /// A path that names this very descriptor, for a library that insists on opening a path
    /// itself (ZIPFoundation): it cannot be swapped for a link or another file in between.
    public var cheminDuDescripteur: String {
        #if os(Linux)
        return "/proc/self/fd/\(fd)"
        #else
        return "/dev/fd/\(fd)"
        #endif
    }

    /// Reads up to `limite` bytes from the current position.
    public func lireTout(limite: Int) throws -> [UInt8] {
        var sortie: [UInt8] = []
        sortie.reserveCapacity(min(limite, max(0, taille)) + 1)
        var bloc = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = bloc.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ErreurFichier(chemin, errno: errno)
            }
            if n == 0 { break }
            if sortie.count + n > limite { throw ErreurFichier(chemin, .tropGros(limite: limite)) }
            sortie.append(contentsOf: bloc[0..<n])
        }
        return sortie
    }
}

/// Opening the files of the workspace safely: a regular file only, never through a symbolic
/// link (`O_NOFOLLOW`), never blocking on a FIFO (`O_NONBLOCK`, type checked on the opened
/// descriptor), never inherited by a child process (`O_CLOEXEC`).
///
/// ```swift
/// let texte = try FichierSur.lireTexte(espace.fichierRecit, limite: 1 << 20)
/// ```
public enum FichierSur {
    public static func ouvrir(_ url: URL) throws -> FichierOuvert {
        try ouvrir(chemin: url.path)
    }

    /// `suivreLiens`: only for a file the operator may have placed elsewhere on purpose (the
    /// key, kept in a vault); never for what arrives in the inbox or what ends up in a report.
    public static func ouvrir(chemin: String, suivreLiens: Bool = false) throws -> FichierOuvert {
        let fd = open(chemin, O_RDONLY | (suivreLiens ? 0 : O_NOFOLLOW) | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            // A dangling link gives ENOENT on some systems: say what it is.
            if e == ENOENT, let i = IdentiteFichier.regarderType(chemin), i == S_IFLNK {
                throw ErreurFichier(chemin, .lienSymbolique)
            }
            throw ErreurFichier(chemin, errno: e)
        }
        var s = stat()
        guard fstat(fd, &s) == 0 else {
            let e = errno
            close(fd)
            throw ErreurFichier(chemin, errno: e)
        }
        switch s.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            close(fd)
            throw ErreurFichier(chemin, .dossier)
        case S_IFLNK:
            close(fd)
            throw ErreurFichier(chemin, .lienSymbolique)
        default:
            close(fd)
            throw ErreurFichier(chemin, .special)
        }
        // A regular file: reads may block as usual.
        let drapeaux = fcntl(fd, F_GETFL)
        if drapeaux >= 0 { _ = fcntl(fd, F_SETFL, drapeaux & ~O_NONBLOCK) }
        return FichierOuvert(fd: fd, chemin: chemin, identite: IdentiteFichier(s))
    }

    public static func lireDonnees(_ url: URL, limite: Int) throws -> Data {
        let f = try ouvrir(url)
        defer { f.fermer() }
        return Data(try f.lireTout(limite: limite))
    }

    /// The file's text (UTF-8, a BOM removed).
    public static func lireTexte(_ url: URL, limite: Int) throws -> String {
        let f = try ouvrir(url)
        defer { f.fermer() }
        var octets = try f.lireTout(limite: limite)
        if octets.starts(with: [0xEF, 0xBB, 0xBF]) { octets.removeFirst(3) }
        guard let t = String(validatingUTF8Bytes: octets) else { throw ErreurFichier(url.path, .nonUTF8) }
        return t
    }

    /// Whether something is at `chemin` (a link counts, followed or not): nil when it cannot be
    /// known because a folder on the way may not be crossed (rights).
    public static func existe(_ chemin: String) -> Bool? {
        var s = stat()
        if lstat(chemin, &s) == 0 { return true }
        return errno == EACCES || errno == EPERM ? nil : false
    }
}

extension IdentiteFichier {
    static func regarderType(_ chemin: String) -> mode_t? {
        var s = stat()
        guard lstat(chemin, &s) == 0 else { return nil }
        return s.st_mode & S_IFMT
    }
}

extension String {
    /// Strict UTF-8 decoding (nil on an invalid sequence), unlike `String(decoding:as:)`.
    init?(validatingUTF8Bytes octets: [UInt8]) {
        guard let s = String(bytes: octets, encoding: .utf8) else { return nil }
        self = s
    }
}

/// System errors in French: Foundation's own texts (« There isn't enough space. », « The file
/// name is invalid. ») never reach a coordinator.
public enum MessageSysteme {
    /// The account running c360, for messages about rights.
    public static var compte: String {
        if let p = getpwuid(geteuid()), let n = p.pointee.pw_name { return String(cString: n) }
        return "uid \(geteuid())"
    }

    public static func errno(_ e: Int32) -> String {
        switch e {
        case ENOENT: return "fichier ou dossier introuvable"
        case EACCES, EPERM: return "droits insuffisants pour le compte « \(compte) »"
        case ENOSPC: return "le disque est plein"
        case EDQUOT: return "le quota de disque du compte est atteint"
        case EROFS: return "le disque est en lecture seule"
        case ENAMETOOLONG: return "nom de fichier trop long"
        case EEXIST: return "un fichier du même nom existe déjà"
        case EISDIR: return "c'est un dossier"
        case ENOTDIR: return "un élément du chemin n'est pas un dossier"
        case EMFILE, ENFILE: return "trop de fichiers ouverts à la fois"
        case EIO: return "erreur d'entrée-sortie du disque"
        case ELOOP: return "lien symbolique refusé"
        case EXDEV: return "déplacement impossible entre deux disques"
        case EBUSY: return "fichier occupé"
        case ENOMEM: return "mémoire insuffisante"
        case EFBIG: return "fichier trop grand"
        case EINVAL: return "nom ou opération invalide"
        default: return "erreur système n° \(e)"
        }
    }

    /// A French cause for any error thrown by Foundation or the system.
    public static func francais(_ erreur: Error) -> String {
        if let e = erreur as? ErreurObservatoire { return e.message }
        if let e = erreur as? ErreurFichier { return e.raison }
        let ns = erreur as NSError
        if ns.domain == NSPOSIXErrorDomain { return errno(Int32(ns.code)) }
        if let sous = ns.userInfo[NSUnderlyingErrorKey] as? NSError, sous.domain == NSPOSIXErrorDomain {
            return errno(Int32(sous.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case CocoaError.fileNoSuchFile.rawValue, CocoaError.fileReadNoSuchFile.rawValue: return errno(ENOENT)
            case CocoaError.fileReadNoPermission.rawValue, CocoaError.fileWriteNoPermission.rawValue: return errno(EACCES)
            case CocoaError.fileWriteOutOfSpace.rawValue: return errno(ENOSPC)
            case CocoaError.fileWriteVolumeReadOnly.rawValue: return errno(EROFS)
            case CocoaError.fileReadInvalidFileName.rawValue, CocoaError.fileWriteInvalidFileName.rawValue: return "nom de fichier invalide ou trop long"
            case CocoaError.fileWriteFileExists.rawValue: return errno(EEXIST)
            case CocoaError.fileReadTooLarge.rawValue: return errno(EFBIG)
            case CocoaError.fileReadUnknownStringEncoding.rawValue, CocoaError.fileReadInapplicableStringEncoding.rawValue,
                 CocoaError.fileWriteInapplicableStringEncoding.rawValue: return "encodage du texte illisible"
            case CocoaError.fileReadCorruptFile.rawValue: return "fichier abîmé"
            case CocoaError.fileLocking.rawValue: return "fichier verrouillé"
            default: return "erreur de fichier n° \(ns.code)"
            }
        }
        return "erreur inattendue (\(ns.domain) n° \(ns.code))"
    }
}

extension ErreurObservatoire {
    /// An output cannot be written, for an error thrown by Foundation or the system (its cause
    /// in French).
    public static func ecriture(_ chemin: String, erreur: Error) -> ErreurObservatoire {
        if let e = erreur as? ErreurObservatoire { return e }
        return ecriture(chemin, MessageSysteme.francais(erreur))
    }
}
