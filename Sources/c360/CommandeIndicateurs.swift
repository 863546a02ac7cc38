import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireRapports
import ObservatoireStore

enum FormatIndicateurs: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json

    // The help names the values in French in its own text (see Francais.swift).
    static var allValueStrings: [String] { [] }
    static var defaultCompletionKind: CompletionKind { .list(allCases.map(\.rawValue)) }
}

/// The period options shared by `indicateurs` (one of year, quarter, month or range).
struct OptionsPeriode: ParsableArguments {
    @Option(help: ArgumentHelp("Année civile.", valueName: "AAAA"))
    var annee: Int?

    @Option(help: ArgumentHelp("Trimestre, par exemple 2025-T2.", valueName: "AAAA-Tn"))
    var trimestre: String?

    @Option(help: ArgumentHelp("Mois, par exemple 2025-03.", valueName: "AAAA-MM"))
    var mois: String?

    @Option(help: ArgumentHelp("Début d'une période quelconque (avec --au).", valueName: "DATE"))
    var du: Jour?

    @Option(help: ArgumentHelp("Fin d'une période quelconque (avec --du).", valueName: "DATE"))
    var au: Jour?

    func validate() throws {
        let donnees = [annee != nil, trimestre != nil, mois != nil, du != nil || au != nil].filter { $0 }.count
        guard donnees == 1 else {
            throw ValidationError("Indiquez une seule période : --annee AAAA, --trimestre AAAA-Tn, --mois AAAA-MM, ou --du DATE --au DATE.")
        }
        if du != nil || au != nil {
            guard let du, let au else { throw ValidationError("--du et --au vont ensemble.") }
            guard du <= au else { throw ValidationError("--au (\(au.francais)) est avant --du (\(du.francais)).") }
        }
        if let mois, OptionsPeriode.lireMois(mois) == nil { throw ValidationError("Mois « \(mois) » illisible : écrivez-le AAAA-MM, par exemple 2025-03.") }
        if let trimestre, OptionsPeriode.lireTrimestre(trimestre) == nil { throw ValidationError("Trimestre « \(trimestre) » illisible : écrivez-le AAAA-Tn, par exemple 2025-T2.") }
        if let annee, !(2000...2100).contains(annee) { throw ValidationError("Année \(annee) hors des bornes (2000 à 2100).") }
    }

    var periode: Periode {
        if let annee { return .annee(annee) }
        if let mois, let (a, m) = OptionsPeriode.lireMois(mois) { return .mois(a, m) }
        if let trimestre, let (a, t) = OptionsPeriode.lireTrimestre(trimestre) { return .trimestre(a, t) }
        return Periode(debut: du!, fin: au!)
    }

    static func lireMois(_ texte: String) -> (Int, Int)? {
        let p = texte.split(separator: "-")
        guard p.count == 2, p[0].count == 4, let a = Int(p[0]), let m = Int(p[1]), (1...12).contains(m), (2000...2100).contains(a) else { return nil }
        return (a, m)
    }

    static func lireTrimestre(_ texte: String) -> (Int, Int)? {
        let p = texte.uppercased().split(separator: "-")
        guard p.count == 2, let a = Int(p[0]), p[1].hasPrefix("T"), let t = Int(p[1].dropFirst()), (1...4).contains(t), (2000...2100).contains(a) else { return nil }
        return (a, t)
    }
}

struct CommandeIndicateurs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicateurs",
        abstract: "Calcule le tableau des indicateurs du cahier des charges pour une période.",
        discussion: """
        Chaque indicateur est calculé par sa requête de Queries/ (règle de cohorte : une proposition \
        compte avec la période de sa sollicitation), avec la même période un an plus tôt (N-1) et \
        les cibles de observatoire.yml. --format csv donne l'export pour la consolidation nationale \
        (CNSA) ; --diffusion externe masque les petits effectifs.
        """
    )

    @OptionGroup var espace: OptionsEspace
    @OptionGroup var periode: OptionsPeriode

    @Option(help: ArgumentHelp("Un territoire de la configuration (par défaut : toute la C360).", valueName: "T"))
    var territoire: String?

    @Option(help: ArgumentHelp("interne (tous les chiffres) ou externe (petits effectifs masqués).", valueName: "DIFFUSION"))
    var diffusion: Diffusion = .interne

    @Option(help: ArgumentHelp("table (lecture à l'écran), csv (export CNSA) ou json.", valueName: "FORMAT"))
    var format: FormatIndicateurs = .table

    @Option(help: ArgumentHelp("Écrit l'export csv ou json dans ce fichier (ou, pour un dossier, sous un nom tout fait), avec son empreinte SHA-256 à côté (.sha256) : c'est le fichier d'échange que lit « c360 consolider ».", valueName: "CHEMIN"))
    var sortie: String?

    func validate() throws {
        if sortie != nil && format == .table {
            throw ValidationError("--sortie écrit le fichier d'échange : indiquez --format csv ou --format json.")
        }
    }

    func run() throws {
        let espace = try self.espace.espace()
        let verrou = try Verrou.prendrePartage(espace)
        defer { verrou.liberer() }
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false, espace: espace)
        let moteur = Moteur(base: base, configuration: espace.configuration)
        let territoire = try Territoires.resoudre(self.territoire, moteur: moteur, periode: periode.periode)
        let tableau = try Preparation.indicateurs(espace: espace, base: base, periode: periode.periode, territoire: territoire, diffusion: diffusion)
        let texte: String
        switch format {
        case .json: texte = Restitution.json(tableau, configuration: espace.configuration).texteCompact + "\n"
        case .csv: texte = Restitution.csv(tableau, configuration: espace.configuration)
        case .table:
            Sortie.ecrire(Restitution.texte(tableau, nom: espace.configuration.nom))
            return
        }
        guard let sortie else {
            // JSON to the terminal as before (control characters shown escaped); the CSV as it is.
            if format == .json { Sortie.ecrire(String(texte.dropLast())) } else { Sortie.brut(texte) }
            return
        }
        let nom = EcritureEchange.nom(departement: espace.configuration.departement, periode: periode.periode, territoire: territoire,
                                     diffusion: diffusion, extension: format.rawValue)
        let (fichier, empreinte) = try EcritureEchange.ecrire(Data(texte.utf8), vers: URL(fileURLWithPath: sortie), nomParDefaut: nom,
                                                            prive: diffusion == .interne)
        Sortie.ecrire("Fichier d'échange écrit : \(fichier.path)")
        Sortie.ecrire("Empreinte SHA-256 : \(empreinte.path)")
        if diffusion == .interne {
            Sortie.ecrire("Attention : export interne (tous les effectifs, même petits). Pour la consolidation régionale ou nationale, envoyez l'export externe (--diffusion externe) : « c360 consolider » refuse les exports internes.")
        } else {
            Sortie.ecrire("Envoyez les deux fichiers ensemble : l'empreinte permet de vérifier que l'export n'a pas été modifié en route.")
        }
    }
}

/// Writing an exchange file and its SHA-256 sidecar (`sha256sum` format).
enum EcritureEchange {
    /// `indicateurs-<département>-<période>[-<territoire>]-<diffusion>.<ext>`; the period is
    /// `2025`, `2025-T2`, `2025-03` or `2025-01-01_2025-06-30`.
    static func nom(departement: String, periode: Periode, territoire: String?, diffusion: Diffusion, extension ext: String) -> String {
        "indicateurs-\(NomDeFichier.sur(departement))-\(periode.code)\(territoire.map { "-" + NomDeFichier.sur($0) } ?? "")-\(diffusion.rawValue).\(ext)"
    }

    /// Writes `donnees` at `chemin` (or under `nomParDefaut` when `chemin` is a folder), then the
    /// sidecar; an internal export is readable by its owner only. Returns both files.
    static func ecrire(_ donnees: Data, vers chemin: URL, nomParDefaut: String, prive: Bool) throws -> (URL, URL) {
        var estDossier: ObjCBool = false
        let fichier = FileManager.default.fileExists(atPath: chemin.path, isDirectory: &estDossier) && estDossier.boolValue
            ? chemin.appendingPathComponent(nomParDefaut) : chemin
        let empreinte = URL(fileURLWithPath: fichier.path + "." + FormatEchange.extensionEmpreinte)
        let ligne = Data(Empreinte.ligne(Empreinte.sha256(donnees), nom: fichier.lastPathComponent).utf8)
        for (url, contenu) in [(fichier, donnees), (empreinte, ligne)] {
            if prive {
                try FichierPrive.ecrire(contenu, vers: url)
            } else {
                do {
                    // Atomic: a link at the destination is replaced, never followed.
                    try contenu.write(to: url, options: .atomic)
                } catch {
                    throw ErreurObservatoire.ecriture(url.path, erreur: error)
                }
            }
        }
        return (fichier, empreinte)
    }
}

enum Territoires {
    /// The configured spelling of a territory given on the command line; a usage error when
    /// unknown. A territory is known when it is configured or has requests in any period: with
    /// nothing in the period asked, its figures are zeros.
    static func resoudre(_ t: String?, moteur: Moteur, periode: Periode) throws -> String? {
        guard let t else { return nil }
        let connus = try moteur.tousLesTerritoiresConnus()
        if let exact = connus.first(where: { Normalisation.cle($0) == Normalisation.cle(t) }) { return exact }
        let proches = Normalisation.plusProches(t, parmi: connus, maximum: 1)
        throw ErreurObservatoire(.usage, "Territoire « \(t) » inconnu : ni dans la configuration, ni dans les sollicitations importées.",
                                 conseil: (proches.isEmpty ? "" : "Vouliez-vous dire « \(proches[0]) » ? ") + "Territoires : \(connus.joined(separator: ", ")).")
    }
}
