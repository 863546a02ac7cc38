import Foundation
import ObservatoireCore

/// The report templates and styles of `Reports/`, which a C360 can adapt without recompiling:
/// a file of the same name in the workspace's `modeles/` folder replaces the built-in one
/// (its name, logo, colours, the methodology text).
///
/// ```swift
/// let modeles = Modeles(espace: espace)
/// let css = try modeles.texte("style.css")   // modeles/style.css if present, else Reports/style.css
/// ```
public struct Modeles: Sendable {
    /// The workspace folder that may override the built-in files.
    public let surcharge: URL?

    public init(espace: EspaceDeTravail?) {
        surcharge = espace?.dossierModeles
    }

    public init(surcharge: URL?) {
        self.surcharge = surcharge
    }

    static var dossierIntegre: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Reports", isDirectory: true)
    }

    /// Where `nom` is read from: the workspace's copy when there is one.
    public func url(_ nom: String) -> URL {
        if let surcharge {
            let u = surcharge.appendingPathComponent(nom)
            if FileManager.default.fileExists(atPath: u.path) { return u }
        }
        return Modeles.dossierIntegre.appendingPathComponent(nom)
    }

    public func estSurcharge(_ nom: String) -> Bool { url(nom).path != Modeles.dossierIntegre.appendingPathComponent(nom).path }

    public func texte(_ nom: String) throws -> String {
        let u = url(nom)
        guard let t = try? String(contentsOf: u, encoding: .utf8) else {
            throw ErreurObservatoire(.usage, "Le modèle de rapport « \(u.path) » est illisible.",
                                     conseil: "Vérifiez le fichier (UTF-8) ou supprimez-le du dossier « modeles » pour revenir au modèle intégré.")
        }
        return t
    }

    public func donnees(_ nom: String) -> Data? {
        try? Data(contentsOf: url(nom))
    }
}
