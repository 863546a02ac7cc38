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
            if FichierSur.existe(u.path) == true { return u }
        }
        return Modeles.dossierIntegre.appendingPathComponent(nom)
    }

    public func estSurcharge(_ nom: String) -> Bool { url(nom).path != Modeles.dossierIntegre.appendingPathComponent(nom).path }

    /// Largest template, style sheet or logo read (a real one is a few dozen kilobytes).
    public static let tailleMaximale = 4 << 20

    /// Read as a regular file only (never through a link, never blocking on a FIFO), bounded.
    public func texte(_ nom: String) throws -> String {
        let u = url(nom)
        do {
            return try FichierSur.lireTexte(u, limite: Modeles.tailleMaximale)
        } catch let e as ErreurFichier {
            throw ErreurObservatoire(.usage, "Le modèle de rapport « \(u.path) » est illisible : \(e.raison).",
                                     conseil: "Vérifiez le fichier (UTF-8) ou supprimez-le du dossier « modeles » pour revenir au modèle intégré.")
        }
    }

    public func donnees(_ nom: String) -> Data? {
        try? FichierSur.lireDonnees(url(nom), limite: Modeles.tailleMaximale)
    }
}
