import Crypto
import Foundation

/// The workspace key for person pseudonyms: 32 random bytes, written in hexadecimal in a file
/// of mode 0600. Losing it means new imports can no longer be linked to the stored persons,
/// so `c360` never replaces it silently.
public struct ClePseudonymisation: Sendable {
    let octets: [UInt8]

    public init(octets: [UInt8]) { self.octets = octets }

    /// Creates a new key file; refuses to overwrite an existing one.
    public static func creer(_ url: URL) throws -> ClePseudonymisation {
        var generateur = SystemRandomNumberGenerator()
        let octets = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generateur) }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw ErreurObservatoire(.usage, "Une clé de pseudonymisation existe déjà : « \(url.path) ».",
                                         conseil: "Elle est conservée telle quelle ; ne la remplacez jamais sans avoir sauvegardé l'ancienne.")
            }
            throw ErreurObservatoire.ecriture(url.path, MessageSysteme.errno(errno))
        }
        defer { close(fd) }
        let texte = Array((octets.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        let ecrits = texte.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard ecrits == texte.count, fsync(fd) == 0 else {
            let e = errno
            unlink(url.path)
            throw ErreurObservatoire.ecriture(url.path, MessageSysteme.errno(e))
        }
        return ClePseudonymisation(octets: octets)
    }

    /// Reads an existing key file, or returns nil when there is none.
    public static func lire(_ url: URL) throws -> ClePseudonymisation? {
        let texte: String
        do {
            let f = try FichierSur.ouvrir(chemin: url.path, suivreLiens: true)
            defer { f.fermer() }
            texte = String(decoding: try f.lireTout(limite: 4_096), as: UTF8.self)
        } catch let e as ErreurFichier {
            switch e.nature {
            case .absent: return nil
            case .droits:
                throw ErreurObservatoire(.usage, "La clé de pseudonymisation « \(url.path) » n'est pas lisible par le compte « \(MessageSysteme.compte) » (droits insuffisants).",
                                         conseil: "Lancez c360 avec le compte propriétaire de l'espace de travail, ou donnez à ce compte le droit de lire la clé (chmod 600, chown). Ne créez pas de nouvelle clé.")
            default:
                throw ErreurObservatoire(.usage, "La clé de pseudonymisation « \(url.path) » est illisible : \(e.raison).",
                                         conseil: "Vérifiez le fichier ou restaurez-le depuis votre sauvegarde. Ne créez pas de nouvelle clé si la base contient déjà des personnes.")
            }
        }
        let hex = texte.trimmingCharacters(in: .whitespacesAndNewlines)
        var octets: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let b = UInt8(hex[i..<j], radix: 16) else { octets = []; break }
            octets.append(b)
            i = j
        }
        guard octets.count == 32 else {
            throw ErreurObservatoire(.usage, "La clé de pseudonymisation « \(url.path) » est abîmée (64 caractères hexadécimaux attendus).",
                                     conseil: "Restaurez-la depuis votre sauvegarde. Ne créez pas de nouvelle clé si la base contient déjà des données.")
        }
        return ClePseudonymisation(octets: octets)
    }

    /// Whether the key file can be read by others than its owner (it should be mode 0600).
    public static func droitsTropOuverts(_ url: URL) -> Bool {
        var s = stat()
        guard stat(url.path, &s) == 0 else { return false }
        return s.st_mode & 0o077 != 0
    }
}

/// Turns the identifier of a person in the source tool into a pseudonym:
/// HMAC-SHA256 under the workspace key, truncated to 128 bits and written in hexadecimal.
/// The same person gets the same pseudonym in every import of the workspace; without the key,
/// the pseudonym cannot be linked back to the identifier.
///
/// ```swift
/// let p = Pseudonymiseur(cle: cle)
/// p.pseudonyme("DOSSIER-00042")   // "3f1c…" (32 hexadecimal characters)
/// ```
///
/// HMAC is written out here (RFC 2104) over swift-crypto's SHA-256 rather than with its `HMAC`
/// type, which hashes the outer key block again at every `finalize`: with both key blocks
/// hashed once, a pseudonym costs two SHA-256 blocks instead of three (one per request of an
/// import). `PseudonymisationTests` checks the result against `HMAC<SHA256>` and RFC 4231.
public struct Pseudonymiseur: @unchecked Sendable {
    /// SHA-256 states after the inner (key ⊕ 0x36) and outer (key ⊕ 0x5c) key blocks.
    private let interieur: SHA256
    private let exterieur: SHA256

    public init(cle: ClePseudonymisation) {
        var bloc = cle.octets.count > 64 ? Array(SHA256.hash(data: cle.octets)) : cle.octets
        bloc += [UInt8](repeating: 0, count: 64 - bloc.count)
        var i = SHA256()
        i.update(data: bloc.map { $0 ^ 0x36 })
        var e = SHA256()
        e.update(data: bloc.map { $0 ^ 0x5c })
        interieur = i
        exterieur = e
    }

    public func pseudonyme(_ identifiant: String) -> String {
        var h = interieur
        var id = identifiant
        id.withUTF8 { h.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        let interne = h.finalize()
        var e = exterieur
        interne.withUnsafeBytes { e.update(bufferPointer: $0) }
        let code = e.finalize()
        return code.withUnsafeBytes { octets in
            var sortie = [UInt8](repeating: 0, count: 32)
            let chiffres = Array("0123456789abcdef".utf8)
            for i in 0..<16 {
                sortie[2 * i] = chiffres[Int(octets[i] >> 4)]
                sortie[2 * i + 1] = chiffres[Int(octets[i] & 0x0f)]
            }
            return String(decoding: sortie, as: UTF8.self)
        }
    }
}
