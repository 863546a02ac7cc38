import Crypto
import Foundation

/// SHA-256 fingerprints of files that travel (the indicator exchange files): the hexadecimal
/// digest, and the sidecar file beside them in the `sha256sum` format, so that anyone can check
/// a file with `sha256sum -c fichier.csv.sha256`.
///
/// ```swift
/// Empreinte.sha256(donnees)                        // "9f86d0…"
/// Empreinte.ligne("9f86d0…", nom: "a.csv")          // "9f86d0…  a.csv\n"
/// Empreinte.lire(texteDuFichierSha256)             // "9f86d0…" (nil when it is not one)
/// ```
public enum Empreinte {
    public static func sha256(_ donnees: Data) -> String {
        SHA256.hash(data: donnees).map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256(_ octets: [UInt8]) -> String {
        SHA256.hash(data: octets).map { String(format: "%02x", $0) }.joined()
    }

    /// The line of a `sha256sum` file: the digest, two spaces, the file's name.
    public static func ligne(_ empreinte: String, nom: String) -> String {
        "\(empreinte)  \(nom)\n"
    }

    /// The digest of a sidecar file: its first 64 hexadecimal characters (lower or upper case),
    /// followed by a space or the end of the text; nil otherwise.
    public static func lire(_ texte: String) -> String? {
        let debut = texte.drop { $0 == "\u{FEFF}" || $0 == " " }
        let hex = debut.prefix(64)
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        let suite = debut.dropFirst(64).first
        guard suite == nil || suite == " " || suite == "\t" || suite == "\n" || suite == "\r" else { return nil }
        return hex.lowercased()
    }
}
