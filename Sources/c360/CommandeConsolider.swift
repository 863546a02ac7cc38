import ArgumentParser
import Foundation
import ObservatoireConsolidation
import ObservatoireCore
import ObservatoireRapports

struct CommandeConsolider: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consolider",
        abstract: "Consolide les indicateurs publiés de plusieurs C360 (une région ou la France entière) et écrit le rapport consolidé.",
        discussion: """
        Lit les fichiers d'échange des C360 (« c360 indicateurs --diffusion externe --format csv|json \
        --sortie DOSSIER », avec leur empreinte .sha256), plusieurs années possibles, et vérifie \
        chacun : format et version, période, département en double, empreinte. Les exports internes \
        sont refusés (ils peuvent contenir de petits effectifs). Le rapport donne, pour chaque \
        indicateur, le chiffre de chaque C360, l'ensemble calculé sur les seuls chiffres publiés \
        (un taux : somme des numérateurs sur somme des dénominateurs), médiane, quartiles, rang, \
        cibles, l'année précédente quand ses fichiers sont là, et une carte des départements. \
        Aucun chiffre masqué par une C360 ne peut y être retrouvé.

        Codes de sortie : 0 tout est consolidé ; 3 rapport écrit, mais des fichiers ont été \
        refusés ou écartés (liste dans le résumé et dans le rapport) ; 65 aucun fichier lisible ; \
        2 option invalide ; 73 écriture impossible.
        """
    )

    @Argument(help: ArgumentHelp("Fichiers d'échange (.csv, .json) ou dossiers qui les contiennent.", valueName: "FICHIERS|DOSSIER"))
    var chemins: [String]

    @Option(help: ArgumentHelp("Code INSEE d'une région (32 pour les Hauts-de-France) : seulement ses départements. Par défaut : la France entière.", valueName: "CODE"))
    var region: String?

    @Option(help: ArgumentHelp("Période consolidée : AAAA, AAAA-Tn, AAAA-MM ou AAAA-MM-JJ:AAAA-MM-JJ (par défaut : la plus récente des fichiers).", valueName: "PERIODE"))
    var periode: String?

    @Option(help: ArgumentHelp("Dossier où écrire le rapport consolidé.", valueName: "DOSSIER"))
    var sortie = "consolidation"

    @Option(help: ArgumentHelp("Formats, séparés par des virgules : xlsx, html, csv.", valueName: "FORMATS"))
    var format = "xlsx,html,csv"

    var formats: [Publication.FormatConsolidation] {
        format.split(separator: ",").compactMap { Publication.FormatConsolidation(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    func validate() throws {
        let demandes = format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for f in demandes where Publication.FormatConsolidation(rawValue: f) == nil {
            throw ValidationError("Format « \(f) » inconnu : xlsx, html ou csv, séparés par des virgules.")
        }
        if demandes.isEmpty { throw ValidationError("Indiquez au moins un format : xlsx, html ou csv.") }
        if let periode, CommandeConsolider.lirePeriode(periode) == nil {
            throw ValidationError("Période « \(periode) » illisible : écrivez AAAA, AAAA-Tn, AAAA-MM ou AAAA-MM-JJ:AAAA-MM-JJ (par exemple 2025).")
        }
        if chemins.isEmpty { throw ValidationError("Indiquez au moins un fichier d'échange ou un dossier.") }
    }

    static func lirePeriode(_ texte: String) -> Periode? {
        let t = texte.trimmingCharacters(in: .whitespaces)
        if t.count == 4, let a = Int(t), (2000...2100).contains(a) { return .annee(a) }
        if let (a, m) = OptionsPeriode.lireMois(t) { return .mois(a, m) }
        if let (a, n) = OptionsPeriode.lireTrimestre(t) { return .trimestre(a, n) }
        let bornes = t.split(separator: ":")
        if bornes.count == 2, let d = Jour(iso: String(bornes[0])), let f = Jour(iso: String(bornes[1])), d <= f { return Periode(debut: d, fin: f) }
        return nil
    }

    func run() throws {
        let urls = chemins.map { URL(fileURLWithPath: $0) }
        let (c, fichiers) = try CommandeConsolider.consolider(urls, region: region, periode: periode.flatMap(CommandeConsolider.lirePeriode),
                                                              dossier: URL(fileURLWithPath: sortie, isDirectory: true), formats: formats)
        Sortie.ecrire("Rapport consolidé écrit :")
        for f in fichiers { Sortie.ecrire("  \(f.path)") }
        if c.ecartes.contains(where: \.estUnProbleme) { throw ExitCode(CodeSortie.rejets.rawValue) }
    }

    /// Reads, consolidates, writes, and says what happened (the files refused first, on the
    /// error output). Shared with `demo-consolidation`.
    static func consolider(_ urls: [URL], region: String?, periode: Periode?, dossier: URL,
                           formats: [Publication.FormatConsolidation]) throws -> (Consolidation, [URL]) {
        let lot = LectureEchange.lire(urls)
        var options = OptionsConsolidation(region: region, periode: periode)
        options.date = Date()
        let c: Consolidation
        do {
            c = try Consolidateur.consolider(lot, options: options)
        } catch {
            // Nothing to consolidate: say why each file was left out before the error itself.
            for e in lot.ecartes { Sortie.erreur("Refusé : \(e.nom) — \(e.raison).\(e.conseil.map { "\n  → \($0)" } ?? "")") }
            throw error
        }
        for e in c.ecartes where e.estUnProbleme {
            Sortie.erreur("\(e.motif == .refuse ? "Refusé" : "Écarté (doublon)") : \(e.nom) — \(e.raison).\(e.conseil.map { "\n  → \($0)" } ?? "")")
        }
        let fichiers = try Publication.consolidation(c, formats: formats, dossier: dossier)
        Sortie.ecrire(resume(c))
        return (c, fichiers)
    }

    static func resume(_ c: Consolidation) -> String {
        let titre = c.perimetre == .national ? "Consolidation nationale" : "Consolidation de la \(c.perimetre.libelle)"
        var l = ["\(titre) — \(c.periode.libelle)"]
        let avant = c.periodePrecedente.estUneAnnee ? "l'\(c.periodePrecedente.libelle)" : c.periodePrecedente.libelle
        l.append("  C360 consolidées : \(c.c360.count) (sur \(Bilans.pluriel(c.participants.count, "département"))), dont \(c.avecPrecedent) avec leur fichier de \(avant) pour la comparaison.")
        func compte(_ m: FichierEcarte.Motif) -> Int { c.ecartes.filter { $0.motif == m }.count }
        let consolides = c.c360.count + c.avecPrecedent
        var lus = "  Fichiers lus : \(c.fichiersLus) ; consolidés : \(consolides) ; refusés : \(compte(.refuse)) ; doublons écartés : \(compte(.doublon)) ; autres périodes : \(compte(.autrePeriode)) ; hors périmètre : \(compte(.horsPerimetre))"
        if compte(.tableauConsolide) > 0 { lus += " ; tableaux consolidés laissés de côté : \(compte(.tableauConsolide))" }
        l.append(lus + ".")
        let autres = Set(c.ecartes.filter { $0.motif == .autrePeriode }.map(\.raison))
        if !autres.isEmpty {
            l.append("  (Les fichiers d'autres périodes se consolident avec --periode, par exemple --periode \(c.periode.anneePrecedente.anneePrecedente.code).)")
        }
        let remarques = (c.c360.compactMap(\.fichier) + c.c360.compactMap(\.precedent)).filter { !$0.avertissements.isEmpty }
        if !remarques.isEmpty {
            l.append("  Remarques :")
            for f in remarques { l.append("    \(f.nom) : \(f.avertissements.joined(separator: " ; ")).") }
        }
        let masques = c.indicateurs.reduce(0) { $0 + $1.lignes.filter { l in l.indicateur?.statut == .masque || l.indicateur?.statut == .effectifInsuffisant }.count }
        if masques > 0 {
            l.append("  \(Bilans.pluriel(masques, "chiffre masqué", "chiffres masqués")) par les C360 (secret statistique) : écrits en mots, jamais comptés dans les ensembles.")
        }
        return l.joined(separator: "\n")
    }
}
