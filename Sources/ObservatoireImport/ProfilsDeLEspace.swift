import Foundation
import ObservatoireCore

/// The mapping profiles of a workspace as the automatic choice sees them (`importer` without
/// `--profil`, `executer`): the valid ones, the broken ones with their error, and which files
/// each one would read.
///
/// A broken profile never blocks the others: it is reported (file, line, what to do) and left
/// out, and the files that it could have been meant for are pointed out. A file whose name two
/// profiles recognise is refused rather than given to one of them silently.
///
/// ```swift
/// let profils = ProfilsDeLEspace.charger(espace)
/// let (urls, refuses) = profils.repartir(try Importeur.fichiers(chemins).fichiers)
/// ```
public struct ProfilsDeLEspace: Sendable {
    /// A profile file that could not be read.
    public struct Invalide: Sendable {
        /// The profile's file.
        public var url: URL
        /// Why, in French, with its line and what to do.
        public var erreur: ErreurObservatoire

        /// One French sentence for a summary, a log or a note.
        public var avertissement: String {
            "le profil « \(TexteSur.surUneLigne(url.lastPathComponent)) » est invalide : il n'a pas été utilisé (les autres profils l'ont été). \(erreur.message)"
                + (erreur.conseil.map { " \($0)" } ?? "")
        }
    }

    public var valides: [ProfilCorrespondance] = []
    public var invalides: [Invalide] = []

    public init(valides: [ProfilCorrespondance] = [], invalides: [Invalide] = []) {
        self.valides = valides
        self.invalides = invalides
    }

    /// Reads every profile of the workspace's `profils/` folder; a broken one is kept aside
    /// with its error instead of stopping the others.
    public static func charger(_ espace: EspaceDeTravail) -> ProfilsDeLEspace {
        var resultat = ProfilsDeLEspace()
        for (_, url) in ProfilCorrespondance.tous(dans: espace) {
            do {
                resultat.valides.append(try ProfilCorrespondance.charger(url))
            } catch let e as ErreurObservatoire {
                resultat.invalides.append(Invalide(url: url, erreur: e))
            } catch {
                resultat.invalides.append(Invalide(url: url, erreur: ErreurObservatoire(
                    .usage, "Profil de correspondance illisible — \(url.path).",
                    conseil: "Vérifiez le fichier (texte YAML enregistré en UTF-8), puis relancez la commande.")))
            }
        }
        return resultat
    }

    /// How a profile is named to the user: its file (what `--profil` takes), and its `nom:`
    /// when that differs.
    static func designation(_ p: ProfilCorrespondance) -> String {
        let fichier = URL(fileURLWithPath: p.fichier).deletingPathExtension().lastPathComponent
        return fichier == p.nom ? "« \(fichier) »" : "« \(fichier) » (nom : \(p.nom))"
    }

    /// The valid profiles whose patterns recognise this file name.
    public func candidats(pour nom: String) -> [ProfilCorrespondance] {
        valides.filter { $0.reconnait(nom) }
    }

    /// Splits export files into those the import may take and those refused because several
    /// profiles recognise their name (one entry each, with the reason and what to do).
    public func repartir(_ urls: [URL]) -> (aImporter: [URL], refuses: [BilanFichier]) {
        var aImporter: [URL] = []
        var refuses: [BilanFichier] = []
        for url in urls {
            let nom = url.lastPathComponent
            let candidats = candidats(pour: nom)
            guard candidats.count > 1 else { aImporter.append(url); continue }
            var b = BilanFichier(fichier: nom, chemin: url)
            let noms = candidats.map { p in
                let motifs = p.motifs.filter { ProfilCorrespondance.correspond(nom, motif: $0) }
                return "\(ProfilsDeLEspace.designation(p)), fichier \(URL(fileURLWithPath: p.fichier).lastPathComponent), motif \(motifs.map { "« \($0) »" }.joined(separator: ", "))"
            }
            let premier = URL(fileURLWithPath: candidats[0].fichier).deletingPathExtension().lastPathComponent
            b.erreur = FichierIllisible(
                fichier: nom,
                raison: "\(candidats.count) profils reconnaissent son nom (\(noms.joined(separator: " ; "))) : c360 ne choisit pas à votre place",
                conseil: "Modifiez la rubrique « fichiers » de l'un de ces profils pour qu'un seul reconnaisse ce fichier, "
                    + "ou importez-le en nommant le profil voulu, par exemple : c360 importer --profil \(Shell.citer(premier)) \(Shell.citer(url.path, toujours: true))")
            refuses.append(b)
        }
        return (aImporter, refuses)
    }

    /// The advice for a file no profile recognises and whose table neither its name nor its
    /// columns tell, with a command that can be copied as it is: the path quoted for the shell,
    /// and the workspace's profile named when it has only one (and none is broken).
    static func conseilSansProfil(chemin: URL, profils: [ProfilCorrespondance], profilsInvalides: Bool) -> String {
        let profil = profils.count == 1 && !profilsInvalides
            ? Shell.citer(URL(fileURLWithPath: profils[0].fichier).deletingPathExtension().lastPathComponent)
            : "NOM"
        return "Renommez le fichier pour qu'il corresponde au motif d'un profil, ou indiquez le profil : c360 importer --profil \(profil) \(Shell.citer(chemin.path, toujours: true))"
            + (profil == "NOM" ? " (NOM : le nom d'un fichier du dossier profils, sans « .yml »)." : ".")
    }

    /// Whether a file that failed may have been meant for a broken profile: it was read with no
    /// profile and its name does not name a canonical table.
    public func peutReleverDUnProfilInvalide(_ f: BilanFichier) -> Bool {
        !invalides.isEmpty && f.profil == nil && TableCanonique.depuisNomDeFichier(f.fichier) == nil
    }

    /// The broken profiles' files, for a sentence (« casse.yml, vieux.yml »).
    public var fichiersInvalides: String {
        invalides.map { TexteSur.surUneLigne($0.url.lastPathComponent) }.joined(separator: ", ")
    }
}
