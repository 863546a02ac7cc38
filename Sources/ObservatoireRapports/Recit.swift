import Foundation
import ObservatoireCore

/// Reading the coordinator's narrative (`recit.md`) safely: a regular file of the workspace
/// only (never through a link — a link to the key would print the key in a published report),
/// never blocking on a FIFO, bounded in size, in UTF-8. A narrative that cannot be read or
/// rendered leaves the report written, with a French note in its place.
///
/// ```swift
/// let lecture = Recit.lire(espace)
/// lecture.texte      // nil when the file is absent or unreadable
/// lecture.probleme   // why it is not taken into the report (nil when all is well)
/// ```
public enum Recit {
    public struct Lecture: Sendable {
        public var texte: String?
        public var probleme: String?
    }

    public static func lire(_ espace: EspaceDeTravail) -> Lecture {
        let url = espace.fichierRecit
        let nom = espace.configuration.chemins.recit
        do {
            let texte = try FichierSur.lireTexte(url, limite: MarkdownSur.tailleMaximale)
            // The bounds of the renderer, checked now so that the command can say so.
            do {
                _ = try MarkdownSur.preparer(texte)
            } catch let e as ErreurMarkdown {
                return Lecture(texte: nil, probleme: "le récit « \(nom) » n'a pas été repris : \(e.raison) \(e.conseil)")
            }
            return Lecture(texte: texte, probleme: nil)
        } catch let e as ErreurFichier {
            if e.nature == .absent { return Lecture(texte: nil, probleme: nil) }
            return Lecture(texte: nil, probleme: "le récit « \(nom) » n'a pas été repris : \(e.raison). \(e.conseil)")
        } catch {
            return Lecture(texte: nil, probleme: "le récit « \(nom) » n'a pas été repris : \(MessageSysteme.francais(error)).")
        }
    }
}
