import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireStore

enum FormatIndicateurs: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
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

    @Option(help: ArgumentHelp("table (lecture), csv (export CNSA) ou json.", valueName: "FORMAT"))
    var format: FormatIndicateurs = .table

    func run() throws {
        let espace = try self.espace.espace()
        let verrou = try Verrou.prendrePartage(espace)
        defer { verrou.liberer() }
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false)
        let moteur = Moteur(base: base, configuration: espace.configuration)
        let territoire = try Territoires.resoudre(self.territoire, moteur: moteur, periode: periode.periode)
        let tableau = try moteur.tableau(periode.periode, territoire: territoire, diffusion: diffusion, repartitionsPrecedentes: false)
        switch format {
        case .json: Sortie.ecrire(Restitution.json(tableau).texteCompact)
        case .csv: FileHandle.standardOutput.write(Data(Restitution.csv(tableau, configuration: espace.configuration).utf8))
        case .table: Sortie.ecrire(Restitution.texte(tableau, nom: espace.configuration.nom))
        }
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
