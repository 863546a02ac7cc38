import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ObservatoireCore

/// What the monthly run finds in the inbox (`a-traiter/`), entry by entry, before reading
/// anything: one odd entry never blocks the others.
///
/// - Regular export files (`.csv`, `.txt`, `.xlsx`…) that have not changed for a few seconds
///   are imported; a file modified more recently (still being copied) waits for the next run.
/// - Links, folders, FIFOs and other special files are never opened nor followed: they are set
///   aside in `erreurs/` with a note (a link is moved as a link).
/// - A name that is not UTF-8 (a Latin-1 byte from an old share) or holds control characters
///   is first renamed in place to a readable UTF-8 name.
/// - Hidden files (`.x.csv`, an editor's lock file) are left where they are, and listed.
///
/// The directory is read with `readdir`, byte for byte: Foundation would mangle a name that is
/// not UTF-8, and the file could then be neither opened nor moved.
struct Inventaire {
    struct Entree {
        var nom: String
        var raison: String
    }

    var aImporter: [(url: URL, identite: IdentiteFichier)] = []
    var aMettreDeCote: [Entree] = []
    var enAttente: [Entree] = []
    var caches: [String] = []
    var renommes: [(ancien: String, nouveau: String)] = []
    /// Files dated in the future, to look at again before they are taken.
    var datesFutures: [(url: URL, identite: IdentiteFichier)] = []

    /// Files dated in the future are taken when a second look, `delai` seconds later (one wait
    /// for all of them), finds them unchanged; the others wait for the next run.
    mutating func revoirDatesFutures(delai: TimeInterval) {
        guard !datesFutures.isEmpty else { return }
        if delai > 0 { Thread.sleep(forTimeInterval: min(delai, 30)) }
        for (url, identite) in datesFutures {
            if IdentiteFichier.regarder(url.path) == identite {
                aImporter.append((url, identite))
            } else {
                enAttente.append(.init(nom: url.lastPathComponent, raison: "daté dans le futur (horloge du partage en avance ?) et encore modifié pendant l'exécution : il est peut-être en cours de copie"))
            }
        }
        datesFutures = []
        aImporter.sort { $0.url.lastPathComponent < $1.url.lastPathComponent }
    }
}

enum BoiteDeDepot {
    static let extensions: Set<String> = ["csv", "txt", "xlsx", "xls", "xlsm", "ods"]

    static func inventorier(_ dossier: URL, delaiStabilite: TimeInterval, maintenant: Date, aBlanc: Bool, journal: Logger) throws -> Inventaire {
        var inventaire = Inventaire()
        guard let d = opendir(dossier.path) else {
            let e = errno
            throw ErreurObservatoire(e == EACCES || e == EPERM ? .usage : .ecritureImpossible,
                                     "Le dossier à traiter « \(dossier.path) » ne peut pas être lu : \(MessageSysteme.errno(e)).",
                                     conseil: "Vérifiez qu'il existe et que le compte « \(MessageSysteme.compte) » peut le lire et y écrire.")
        }
        defer { closedir(d) }
        let dfd = dirfd(d)
        var noms: [[UInt8]] = []
        while let e = readdir(d) {
            let octets: [UInt8] = withUnsafeBytes(of: &e.pointee.d_name) { p in Array(p.prefix(while: { $0 != 0 })) }
            if octets == [46] || octets == [46, 46] { continue }
            noms.append(octets)
        }
        for brut in noms.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var nom = String(bytes: brut, encoding: .utf8) ?? ""
            let lisible = !nom.isEmpty && !nom.unicodeScalars.contains(where: TexteSur.estControle)
            if !lisible {
                // Renamed in place (the original bytes are only ever used for this rename).
                let nouveau = nomLisible(brut, dossier: dossier)
                if aBlanc {
                    inventaire.renommes.append((TexteSur.surUneLigne(String(decoding: brut, as: UTF8.self)), nouveau))
                    nom = nouveau
                } else {
                    let ok = brut.withUnsafeBufferPointer { p -> Bool in
                        var c = Array(p) + [0]
                        return c.withUnsafeMutableBufferPointer { b in
                            renameat(dfd, UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self), dfd, nouveau) == 0
                        }
                    }
                    let affiche = TexteSur.surUneLigne(String(decoding: brut, as: UTF8.self))
                    guard ok else {
                        journal.error("nom de fichier illisible, renommage impossible", metadata: ["fichier": "\(affiche)", "cause": "\(MessageSysteme.errno(errno))"])
                        inventaire.enAttente.append(.init(nom: affiche, raison: "son nom contient des caractères illisibles et il n'a pas pu être renommé (\(MessageSysteme.errno(errno))) : renommez-le vous-même"))
                        continue
                    }
                    journal.notice("fichier renommé (nom illisible)", metadata: ["ancien": "\(affiche)", "nouveau": "\(nouveau)"])
                    inventaire.renommes.append((affiche, nouveau))
                    nom = nouveau
                }
            }
            if nom.hasPrefix(".") {
                inventaire.caches.append(nom)
                continue
            }
            let chemin = dossier.appendingPathComponent(nom).path
            var s = stat()
            guard lstat(chemin, &s) == 0 else {
                // Gone since the listing (moved by someone else): nothing to do.
                continue
            }
            switch s.st_mode & S_IFMT {
            case S_IFLNK:
                inventaire.aMettreDeCote.append(.init(nom: nom, raison: "c'est un lien symbolique (un raccourci vers un autre fichier) : par sécurité, c360 ne suit pas les liens et n'a pas lu ce qu'il désigne. Déposez le fichier lui-même (une copie) dans « a-traiter »"))
            case S_IFDIR:
                inventaire.aMettreDeCote.append(.init(nom: nom, raison: "c'est un dossier : les sous-dossiers de « a-traiter » ne sont pas lus. Déposez les fichiers eux-mêmes dans « a-traiter »"))
            case S_IFREG:
                let ext = (nom as NSString).pathExtension.lowercased()
                guard extensions.contains(ext) else {
                    inventaire.aMettreDeCote.append(.init(nom: nom, raison: "ce n'est pas un export reconnu (extensions acceptées : .csv, .txt, .xlsx). Enregistrez le tableau au format CSV UTF-8 ou .xlsx, puis redéposez-le dans « a-traiter »"))
                    continue
                }
                guard let identite = IdentiteFichier.regarder(chemin) else { continue }
                let age = identite.age(maintenant: maintenant)
                if age < 0 {
                    // Dated in the future (a share whose clock is ahead, a tool's bug): its date
                    // says nothing about whether it is still being copied; a second look after
                    // the delay does (see `revoirDatesFutures`).
                    inventaire.datesFutures.append((URL(fileURLWithPath: chemin), identite))
                    continue
                }
                if age < delaiStabilite {
                    inventaire.enAttente.append(.init(nom: nom, raison: "modifié il y a moins de \(Int(delaiStabilite.rounded(.up))) secondes : il est peut-être encore en cours de copie"))
                    continue
                }
                inventaire.aImporter.append((URL(fileURLWithPath: chemin), identite))
            default:
                inventaire.aMettreDeCote.append(.init(nom: nom, raison: "ce n'est pas un fichier ordinaire (tube nommé, prise réseau ou périphérique) : c360 ne l'a pas ouvert. Déposez un fichier d'export dans « a-traiter »"))
            }
        }
        return inventaire
    }

    /// A readable UTF-8 name for bytes that are not one: Latin-1 / Windows-1252 decoded, control
    /// characters and anything unprintable replaced by `_`, not taken yet in the folder.
    static func nomLisible(_ octets: [UInt8], dossier: URL) -> String {
        var s = String.UnicodeScalarView()
        if let utf8 = String(bytes: octets, encoding: .utf8) {
            for c in utf8.unicodeScalars { s.append(TexteSur.estControle(c) ? "_" : c) }
        } else {
            for b in octets {
                if b < 0x20 || b == 0x7F || (0x80...0x9F).contains(b) { s.append("_") } else { s.append(Unicode.Scalar(b)) }
            }
        }
        var nom = String(s)
        if nom.isEmpty || nom == "." || nom == ".." { nom = "fichier" }
        nom = NomsDeFichiers.borner(nom, reserve: 16)
        var candidat = nom
        var n = 1
        while FichierSur.existe(dossier.appendingPathComponent(candidat).path) != false {
            n += 1
            candidat = NomsDeFichiers.avecSuffixe(nom, "-\(n)", reserve: 16)
        }
        return candidat
    }
}

/// File names kept within the system's limit (255 bytes), with room for what is added to them
/// (`-2`, a hash, `.sha256`, `.txt`), cut at a character boundary, extension kept.
enum NomsDeFichiers {
    static let limite = 255

    static func borner(_ nom: String, reserve: Int) -> String {
        let maximum = limite - reserve
        guard nom.utf8.count > maximum else { return nom }
        let ext = (nom as NSString).pathExtension
        let suffixe = ext.isEmpty || ext.utf8.count > 16 ? "" : "." + ext
        var base = ""
        for c in nom.dropLast(suffixe.count) {
            if base.utf8.count + String(c).utf8.count + suffixe.utf8.count > maximum { break }
            base.append(c)
        }
        return base + suffixe
    }

    /// `nom` with `suffixe` before its extension (`a.csv` → `a-2.csv`), within the limit.
    static func avecSuffixe(_ nom: String, _ suffixe: String, reserve: Int) -> String {
        let ext = (nom as NSString).pathExtension
        let base = ext.isEmpty ? nom : String(nom.dropLast(ext.count + 1))
        let complet = base + suffixe + (ext.isEmpty ? "" : "." + ext)
        guard complet.utf8.count > limite - reserve else { return complet }
        return borner(base, reserve: reserve + suffixe.utf8.count + (ext.isEmpty ? 0 : ext.utf8.count + 1)) + suffixe + (ext.isEmpty ? "" : "." + ext)
    }
}
